// Client hot paths and coalescing in real Chromium: the reference server runs in the
// page, each "tab" is a client instance on one namespace (sharing the browser's real
// Web Locks, BroadcastChannel and IndexedDB), and every figure gets a fresh namespace.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSessionClient } from '../src/client';
import type { SessionClient, SessionClientOptions } from '../src/client';
import { createProofSigner, generateProofKey } from '../src/client/dpopProof';
import { createBrowserBridge, createSessionServer } from '../src/server';
import type { RequestLogEntry } from '../src/server';
import { median, record } from './record';
import type { Figure } from './record';

const USER = { identifier: 'bench@example.com', password: 'bench' };
const BASE_URL = 'http://localhost';

const figures: Figure[] = [];
afterAll(() => record('client', figures));

const clients: SessionClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

/** A server in the page, one device (cookie jar), tabs as instances; the clock moves only when told. */
function setup() {
  let time = Date.now();
  const now = () => time;
  const server = createSessionServer({
    users: [{ id: 'usr_bench', ...USER }],
    rateLimit: false,
    now,
  });
  const log: RequestLogEntry[] = [];
  server.onRequest((entry) => log.push(entry));
  const bridge = createBrowserBridge(server, { userAgent: navigator.userAgent });
  const namespace = `bench-${crypto.randomUUID()}`;
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
  const refreshes = () => log.filter((entry) => entry.path.endsWith('/refresh')).length;
  return {
    server,
    log,
    tab,
    refreshes,
    advance: (seconds: number) => void (time += seconds * 1000),
  };
}

const disposeAll = () => Promise.all(clients.splice(0).map((client) => client.dispose()));
const round = (ms: number, digits = 2) => Number(ms.toFixed(digits));

describe('client', () => {
  it('answers getAccessToken() from the cache', async () => {
    const s = setup();
    const client = s.tab();
    await client.loginWithPassword(USER);
    const requests = s.log.length;
    const calls = 100_000;
    const rates: number[] = [];
    for (let run = 0; run < 8; run++) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) await client.getAccessToken();
      const elapsed = performance.now() - start;
      if (run > 0) rates.push(calls / (elapsed / 1000)); // the first run warms the JIT
    }
    expect(await client.getAccessToken()).toBeTypeOf('string');
    figures.push({
      name: 'cached getAccessToken(), operations per second',
      value: median(rates),
      unit: 'ops/s',
      lowerIsBetter: false,
      detail: `median of ${rates.length} runs of ${calls.toLocaleString('en-US')} awaited calls; ${s.log.length - requests} requests during`,
    });
  });

  it('signs a proof for little more than one raw signature', async () => {
    const sign = createProofSigner(() => crypto);
    const key = await generateProofKey(crypto);
    expect(key.privateKey.extractable).toBe(false);
    const claims = { htm: 'POST', htu: `${BASE_URL}/v1/session/refresh`, iat: Date.now() / 1000 };
    const sample = await sign(key, claims);
    // The raw signature covers as many bytes as a proof's signing input (header.payload).
    const input = new TextEncoder().encode(sample.slice(0, sample.lastIndexOf('.')));
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
    const proofs = async (n: number) => {
      for (let i = 0; i < n; i++) await sign(key, claims);
    };
    const raws = async (n: number) => {
      for (let i = 0; i < n; i++) await crypto.subtle.sign(algorithm, key.privateKey, input);
    };
    const time = async (work: () => Promise<void>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    await proofs(200);
    await raws(200);
    // Batches, because the page's timer is coarse (100 µs without cross-origin isolation):
    // 200 operations take about 10 ms, so the timer's step moves a batch's mean by 1%, not
    // the 8% of 25-operation batches. Interleaved, alternating which goes first, so drift
    // hits both sides alike.
    const batch = 200;
    const pairs = 40;
    const ratios: number[] = [];
    const proofTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      let proof: number;
      let raw: number;
      if (pair % 2) {
        raw = await time(() => raws(batch));
        proof = await time(() => proofs(batch));
      } else {
        proof = await time(() => proofs(batch));
        raw = await time(() => raws(batch));
      }
      ratios.push(proof / raw);
      proofTimes.push((proof / batch) * 1000);
      rawTimes.push((raw / batch) * 1000);
    }
    figures.push({
      name: 'DPoP proof cost / one raw ECDSA P-256 signature',
      value: median(ratios),
      unit: '×',
      budget: 1.2,
      detail: `proof ${round(median(proofTimes), 1)} µs, raw sign ${round(median(rawTimes), 1)} µs (${input.length} bytes signed); median of ${pairs} interleaved pairs of ${batch}; ratio of the fastest batches ${round(Math.min(...proofTimes) / Math.min(...rawTimes))}`,
    });
  });

  it('makes one refresh for 5 instances and 50 concurrent calls at expiry, 20 times over', async () => {
    const s = setup();
    const tabs = Array.from({ length: 5 }, () => s.tab());
    await tabs[0]!.loginWithPassword(USER);
    await Promise.all(tabs.map((tab) => tab.getAccessToken()));
    const counts: number[] = [];
    const times: number[] = [];
    for (let repetition = 0; repetition < 20; repetition++) {
      const before = s.refreshes();
      s.advance(300); // past the token's lifetime: every instance's token is due
      const start = performance.now();
      const tokens = await Promise.all(
        Array.from({ length: 50 }, (_, i) => tabs[i % tabs.length]!.getAccessToken()),
      );
      times.push(performance.now() - start);
      expect(new Set(tokens).size).toBe(1);
      counts.push(s.refreshes() - before);
    }
    const total = counts.reduce((sum, count) => sum + count, 0);
    figures.push({
      name: 'refresh requests per expiry, 5 instances × 50 calls (max of 20)',
      value: Math.max(...counts),
      unit: 'requests',
      budget: 1,
      detail: `${total} in total over 20 repetitions; all 50 calls settled in ${round(median(times))} ms (median)`,
    });
  });

  it('gives a new instance the token of a fresh peer', async () => {
    const times: number[] = [];
    let refreshes = 0;
    const repetitions = 10;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const s = setup();
      const peer = s.tab();
      await peer.loginWithPassword(USER);
      const start = performance.now();
      const fresh = s.tab();
      const token = await fresh.getAccessToken();
      times.push(performance.now() - start);
      expect(token).toBe(peer.getSnapshot().user?.accessToken);
      refreshes += s.refreshes();
      await disposeAll();
    }
    figures.push({
      name: 'new instance next to a fresh peer: time to a token',
      value: median(times),
      unit: 'ms',
      detail: `median of ${repetitions}, each in a fresh namespace`,
    });
    figures.push({
      name: 'new instance next to a fresh peer: refresh requests',
      value: refreshes,
      unit: 'requests',
      budget: 0,
      detail: `total over ${repetitions} new instances`,
    });
  });

  it('signs every instance out when one logs out', async () => {
    const repetitions = 10;
    const latencies: number[] = [];
    const logoutTimes: number[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const s = setup();
      const tabs = Array.from({ length: 5 }, () => s.tab());
      await tabs[0]!.loginWithPassword(USER);
      await Promise.all(tabs.map((tab) => tab.getAccessToken()));
      const leaving = tabs[2]!;
      const others = tabs.filter((tab) => tab !== leaving);
      let start = 0;
      const signedOut = Promise.all(
        others.map(
          (tab) =>
            new Promise<number>((resolve) => {
              const unsubscribe = tab.subscribe(() => {
                if (tab.getSnapshot().status === 'unauthenticated') {
                  unsubscribe();
                  resolve(performance.now());
                }
              });
            }),
        ),
      );
      start = performance.now();
      const logout = leaving.logout().then(() => performance.now());
      latencies.push(Math.max(...(await signedOut)) - start);
      logoutTimes.push((await logout) - start);
      await disposeAll();
    }
    figures.push({
      name: 'sign-out propagation, logout() to 4 other instances unauthenticated',
      value: median(latencies),
      unit: 'ms',
      budget: 1000,
      detail: `median of ${repetitions} (max ${round(Math.max(...latencies))} ms); logout() itself resolves in ${round(median(logoutTimes))} ms`,
    });
  });
});
