import { EmbeddedJWK, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSessionClient,
  type SessionClient,
  type SessionClientOptions,
} from '../../src/client';
import { createBrowserBridge, createSessionServer, type RequestLogEntry } from '../../src/server';

const ADA = { identifier: 'ada@example.com', password: 'correct horse' };
const BASE_URL = 'http://localhost';

const clients: SessionClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** The reference server in the page, one device (cookie jar), and tabs as client instances on this origin. */
function setup() {
  let time = Date.now();
  const now = () => time;
  const server = createSessionServer({ users: [{ id: 'usr_ada', ...ADA }], rateLimit: false, now });
  const log: RequestLogEntry[] = [];
  server.onRequest((e) => log.push(e));
  const bridge = createBrowserBridge(server, { userAgent: navigator.userAgent });
  const namespace = 'browser-' + crypto.randomUUID();
  const tab = (options: Partial<SessionClientOptions> = {}) => {
    const client = createSessionClient({
      baseUrl: BASE_URL,
      fetch: bridge.fetch,
      now,
      namespace,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const refreshes = () => log.filter((e) => e.path === '/v1/session/refresh').length;
  return {
    server,
    bridge,
    namespace,
    tab,
    log,
    refreshes,
    advance: (s: number) => void (time += s * 1000),
  };
}

const readKey = (namespace: string) =>
  new Promise<{ privateKey: CryptoKey; generation: number } | undefined>((resolve, reject) => {
    const open = indexedDB.open('react-dpop-session', 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('kv').objectStore('kv').get(`${namespace}:key`);
      req.onsuccess = () => {
        open.result.close();
        resolve(req.result);
      };
      req.onerror = () => reject(req.error);
    };
  });

describe('client in Chromium', () => {
  it('keeps a non-extractable key that survives a new client instance', async () => {
    const s = setup();
    const first = s.tab();
    await first.loginWithPassword(ADA);
    const key = await readKey(s.namespace);
    expect(key?.privateKey).toBeInstanceOf(CryptoKey);
    expect(key?.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', key!.privateKey)).rejects.toThrow();
    await first.dispose();
    const second = s.tab();
    await expect(second.refresh()).resolves.toBeTruthy();
    expect(s.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.status)).toEqual([200]);
  });

  it('makes exactly one refresh for 5 instances and 50 concurrent calls at expiry, 20 times over', async () => {
    const s = setup();
    const tabs = Array.from({ length: 5 }, () => s.tab());
    await tabs[0]!.loginWithPassword(ADA);
    await Promise.all(tabs.map((t) => t.getAccessToken()));
    for (let round = 1; round <= 20; round++) {
      const before = s.refreshes();
      s.advance(300);
      const tokens = await Promise.all(
        Array.from({ length: 50 }, (_, i) => tabs[i % 5]!.getAccessToken()),
      );
      expect(new Set(tokens).size).toBe(1);
      expect(s.refreshes() - before).toBe(1);
    }
    expect(
      s.log.filter(
        (e) => e.refreshToken && e.refreshToken.state !== 'current' && e.path.endsWith('/refresh'),
      ),
    ).toEqual([]);
  });

  it('signs the other instances out when one logs out', async () => {
    const s = setup();
    const [a, b, c] = [s.tab(), s.tab(), s.tab()];
    await a.loginWithPassword(ADA);
    await Promise.all([b.getAccessToken(), c.getAccessToken()]);
    await b.logout();
    await vi.waitFor(() => {
      for (const t of [a, b, c])
        expect(t.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
    });
    expect(await a.getAccessToken()).toBeNull();
  });

  it('makes no refresh request when a new instance opens next to a fresh peer', async () => {
    const s = setup();
    const peer = s.tab();
    await peer.loginWithPassword(ADA);
    const fresh = s.tab();
    expect(await fresh.getAccessToken()).toBe(peer.getSnapshot().user!.accessToken);
    expect(s.refreshes()).toBe(0);
  });

  it('signs proofs that jose verifies with the embedded key', async () => {
    const s = setup();
    const proofs: Array<{ proof: string; method: string; url: string }> = [];
    const tab = s.tab({
      fetch: (input, init) => {
        const proof = new Headers(init?.headers).get('dpop');
        if (proof) proofs.push({ proof, method: init?.method ?? 'GET', url: String(input) });
        return s.bridge.fetch(input, init);
      },
    });
    await tab.loginWithPassword(ADA);
    s.advance(300);
    await tab.refresh();
    await tab.listSessions();
    await tab.logout();
    expect(proofs).toHaveLength(4);
    for (const { proof, method, url } of proofs) {
      const { payload } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ['ES256'],
      });
      expect(payload).toMatchObject({ htm: method, htu: url.split('?')[0] });
    }
  });
});
