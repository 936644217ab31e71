import { afterEach } from 'vitest';
import { createSessionClient } from '../../../src/client';
import type { SessionClient, SessionClientOptions } from '../../../src/client';
import {
  createBrowserBridge,
  createSessionServer,
  type RequestLogEntry,
  type SessionServerOptions,
} from '../../../src/server';
import { createMemoryLocks } from '../../../src/testing/createMemoryLocks';

export const ADA = { identifier: 'ada@example.com', password: 'correct horse' };
export const BASE_URL = 'http://localhost';
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

const worlds: Array<{ clients: SessionClient[] }> = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await Promise.all(w.clients.map((c) => c.dispose()));
});

/**
 * A reference server on an injected clock plus devices (cookie jars) whose tabs
 * are client instances sharing a namespace, an in-memory Web Locks manager (the
 * kit's testing one) and BroadcastChannel. Every device gets a fresh namespace.
 */
export function createWorld(serverOptions: SessionServerOptions = {}) {
  let time = Date.UTC(2026, 10, 23, 10);
  const now = () => time;
  const server = createSessionServer({
    users: [{ id: 'usr_ada', ...ADA, profile: { name: 'Ada' } }],
    rateLimit: false,
    now,
    ...serverOptions,
  });
  const log: RequestLogEntry[] = [];
  server.onRequest((e) => log.push(e));
  const world = { clients: [] as SessionClient[] };
  worlds.push(world);

  const device = (bridgeOptions: { headers?: Record<string, string> } = {}) => {
    const bridge = createBrowserBridge(server, { userAgent: UA, ...bridgeOptions });
    const namespace = 'ns-' + crypto.randomUUID();
    const locks = createMemoryLocks();
    const tab = (options: Partial<SessionClientOptions> = {}) => {
      const client = createSessionClient({
        baseUrl: BASE_URL,
        fetch: bridge.fetch,
        now,
        namespace,
        ...options,
        environment: { locks, ...options.environment },
      });
      world.clients.push(client);
      return client;
    };
    /** How many holders a lock name has (for example every live tab's presence lock). */
    const heldCount = async (name: string) =>
      ((await locks.query()).held ?? []).filter((l) => l.name === name).length;
    return { bridge, namespace, locks, heldCount, tab };
  };

  return {
    server,
    log,
    now,
    /** Moves the shared clock of the server and every client. */
    advance: (seconds: number) => void (time += seconds * 1000),
    /** How many requests reached `path` (relative to /v1/session, e.g. '/refresh'). */
    count: (path: string, status?: number) =>
      log.filter(
        (e) => e.path === '/v1/session' + path && (status === undefined || e.status === status),
      ).length,
    device,
  };
}
