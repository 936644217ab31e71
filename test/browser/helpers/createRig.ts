import { expect } from 'vitest';
import {
  createSessionClient,
  type SessionClient,
  type SessionClientOptions,
  type SessionEvent,
} from '../../../src/client';
import {
  createBrowserBridge,
  createMemoryStore,
  createSessionServer,
  type RequestLogEntry,
  type SessionServer,
  type SessionServerOptions,
} from '../../../src/server';

export const ADA = { identifier: 'ada@example.com', password: 'correct horse' };
export const BASE_URL = 'http://localhost';
const API = '/v1/session';

/** The claims of a DPoP proof the client sent, with the server time it was sent at. */
export interface SentProof {
  jti: string;
  iat: number;
  htm: string;
  htu: string;
  nonce?: string;
  /** Server time (ms) when the request left the client. */
  sentAt: number;
  path: string;
}

/** One request a device sent, and its answer status (undefined: no answer). */
export interface SentRequest {
  path: string;
  status?: number;
  proof?: SentProof;
}

const decodeProof = (proof: string): Omit<SentProof, 'sentAt' | 'path'> => {
  const part = proof.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part)) as Omit<SentProof, 'sentAt' | 'path'>;
};

export interface RigOptions {
  server?: Partial<SessionServerOptions>;
  /** Server instances sharing one store; requests alternate between them (default 1). */
  instances?: number;
  /** Runs on the real clock (the soak); `advance` is then unavailable. */
  realTime?: boolean;
}

const rigs: Array<() => Promise<void>> = [];

/** Disposes every client of every rig; call from `afterEach`. */
export const disposeRigs = async () => {
  for (const d of rigs.splice(0)) await d();
};

/**
 * The reference server in the page (on an injected clock; several instances on one
 * store when asked), devices as cookie jars with a fresh namespace, tabs as client
 * instances on the page's real Web Locks, IndexedDB and BroadcastChannel. Every
 * request is recorded per device (proof claims, status, refreshes in flight).
 */
export function createRig(options: RigOptions = {}) {
  let time = Date.now();
  const now = options.realTime ? () => Date.now() : () => time;
  const store = createMemoryStore({ now });
  const servers: SessionServer[] = Array.from({ length: options.instances ?? 1 }, () =>
    createSessionServer({
      users: [{ id: 'usr_ada', ...ADA, profile: { name: 'Ada' } }],
      rateLimit: false,
      now,
      store,
      ...options.server,
    }),
  );
  const log: RequestLogEntry[] = [];
  servers.forEach((s) => s.onRequest((e) => log.push(e)));
  let turn = 0;
  /** Requests alternate between the instances. */
  const target: SessionServer = {
    ...servers[0]!,
    handle: (request) => servers[turn++ % servers.length]!.handle(request),
    now,
  };
  const clients: SessionClient[] = [];
  const proofs: SentProof[] = [];
  rigs.push(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });

  const device = (deviceOptions: { clockOffsetMs?: number } = {}) => {
    const bridge = createBrowserBridge(target, { userAgent: navigator.userAgent });
    const namespace = 'rel-' + crypto.randomUUID();
    const sent: SentRequest[] = [];
    let refreshing = 0;
    let maxRefreshing = 0;
    const fetch: typeof globalThis.fetch = async (input, init = {}) => {
      const url = new URL(String(input instanceof Request ? input.url : input), BASE_URL);
      const entry: SentRequest = { path: url.pathname.replace(API, '') };
      const proof = new Headers(init.headers).get('dpop');
      if (proof) {
        entry.proof = { ...decodeProof(proof), sentAt: now(), path: entry.path };
        proofs.push(entry.proof);
      }
      sent.push(entry);
      const isRefresh = entry.path === '/refresh';
      if (isRefresh) maxRefreshing = Math.max(maxRefreshing, ++refreshing);
      try {
        const res = await bridge.fetch(input, init);
        entry.status = res.status;
        return res;
      } finally {
        if (isRefresh) refreshing--;
      }
    };
    const tab = (tabOptions: Partial<SessionClientOptions> = {}) => {
      const offset = deviceOptions.clockOffsetMs ?? 0;
      const client = createSessionClient({
        baseUrl: BASE_URL,
        fetch,
        now: () => now() + offset,
        namespace,
        ...tabOptions,
      });
      clients.push(client);
      return client;
    };
    /** Records the events of a client. */
    const events = (client: SessionClient) => {
      const seen: SessionEvent[] = [];
      for (const type of ['signed-in', 'signed-out', 'refreshed', 'warning'] as const)
        client.on(type, (e) => seen.push(e));
      return seen;
    };
    return {
      bridge,
      namespace,
      fetch,
      sent,
      tab,
      events,
      /** The most refreshes this device had in flight at once (I2). */
      maxRefreshesInFlight: () => maxRefreshing,
      /** Requests to `path` sent by this device (e.g. '/refresh'). */
      to: (path: string) => sent.filter((s) => s.path === path),
    };
  };

  /** Presence and refresh locks held or wanted for a namespace. */
  const locksOf = async (namespace: string) => {
    const name = 'react-dpop-session:' + namespace;
    const { held = [], pending = [] } = await navigator.locks.query();
    return {
      presence: held.filter((l) => l.name === name + ':presence').length,
      refresh:
        held.filter((l) => l.name === name).length + pending.filter((l) => l.name === name).length,
    };
  };

  return {
    servers,
    server: servers[0]!,
    store,
    log,
    now,
    proofs,
    advance: (seconds: number) => {
      if (options.realTime) throw new Error('A real-time rig cannot advance its clock');
      time += seconds * 1000;
    },
    device,
    locksOf,
    /** Requests that reached `path` (relative to /v1/session) at the server(s). */
    count: (path: string, status?: number) =>
      log.filter((e) => e.path === API + path && (status === undefined || e.status === status))
        .length,
    /** Refresh tokens presented to /refresh or /revoke in a given state. */
    presented: (state: string) =>
      log.filter(
        (e) =>
          (e.path === API + '/refresh' || e.path === API + '/revoke') &&
          e.refreshToken?.state === state,
      ),
  };
}

export type Rig = ReturnType<typeof createRig>;
export type RigDevice = ReturnType<Rig['device']>;

const TOKEN_LIKE = /eyJ[\w-]{10,}\.[\w-]{10,}/;

/**
 * The invariants every scenario asserts: I1 (no rotated refresh token presented;
 * `grace` presentations only where a lost answer allows them), I2 (one refresh in
 * flight per device), I3 (nothing token-like in web storage or readable cookies),
 * I5 (every proof jti unique).
 */
export function expectInvariants(
  rig: Rig,
  devices: RigDevice[],
  allowed: { grace?: number; thefts?: number } = {},
) {
  // A thief's replays (sent by the test itself, not a client) are the only rotated ones allowed.
  expect(rig.presented('rotated').length, 'I1: a rotated refresh token reached the server').toBe(
    allowed.thefts ?? 0,
  );
  expect(rig.presented('grace').length, 'I1: grace presentations').toBeLessThanOrEqual(
    allowed.grace ?? 0,
  );
  for (const d of devices)
    expect(d.maxRefreshesInFlight(), 'I2: refreshes in flight on one device').toBeLessThanOrEqual(
      1,
    );
  const web = [
    ...Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k)),
    ...Object.keys(sessionStorage).map((k) => k + '=' + sessionStorage.getItem(k)),
    document.cookie,
  ].join('\n');
  expect(TOKEN_LIKE.test(web), 'I3: token-like value in web storage or cookies').toBe(false);
  const jtis = rig.proofs.map((p) => p.jti);
  expect(new Set(jtis).size, 'I5: a proof jti was reused').toBe(jtis.length);
}
