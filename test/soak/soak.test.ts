import { afterAll, expect, inject, it, vi } from 'vitest';
import type { SessionClient, SessionError } from '../../src/client';
import type { FaultRule } from '../../src/server';
import {
  ADA,
  createRig,
  disposeRigs,
  expectInvariants,
  type RigDevice,
} from '../browser/helpers/createRig';

declare module 'vitest' {
  export interface ProvidedContext {
    /** How long the soak runs, in seconds (`SOAK_SECONDS`, default 600). */
    soakSeconds: number;
    /** The seed of the random schedule (`SOAK_SEED`), printed so a failure can be replayed. */
    soakSeed: number;
  }
}

const SECONDS = inject('soakSeconds') || 600;
const SEED = inject('soakSeed') || Date.now() % 2 ** 31;
/** Short lifetimes compress time: a refresh every few seconds per device. */
const TTL = 12;
const SKEW = 4;
const DEVICES = 2;
const TABS = 2;
/** Errors a tab may see while faults are injected: all retryable, none signs anyone out. */
const TRANSIENT = new Set(['server_error', 'rate_limited', 'network_error', 'lock_timeout']);
const TOKEN_LIKE = /eyJ[\w-]{10,}\.[\w-]{10,}/;

afterAll(disposeRigs);

/** A small seeded PRNG (mulberry32), so a failing schedule can be replayed with SOAK_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FAULTS: Array<{ rule: FaultRule; lossy?: true }> = [
  { rule: { path: '/refresh', status: 503 } },
  { rule: { path: '/refresh', status: 500 } },
  { rule: { path: '/refresh', status: 502 } },
  { rule: { path: '/refresh', status: 429, retryAfterSeconds: 1 } },
  { rule: { path: '/refresh', dropResponse: true }, lossy: true },
  // Longer than refreshTimeoutMs: the attempt times out, its retry wins, the original lands in grace.
  { rule: { path: '/refresh', latencyMs: 3_000 }, lossy: true },
  { rule: { path: '/me/list', status: 503 } },
  { rule: { path: '/me/list', dropResponse: true } },
];

it(
  `keeps every invariant through ${SECONDS} s of use by ${DEVICES} devices × ${TABS} tabs with random faults`,
  { timeout: (SECONDS + 120) * 1000 },
  async () => {
    console.info(`soak: ${SECONDS} s, seed ${SEED}`);
    const random = prng(SEED);
    const consoleText: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[level].bind(console);
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        consoleText.push(args.map(String).join(' '));
        original(...args);
      });
    }

    const rig = createRig({ realTime: true, server: { accessTokenTtlSeconds: TTL } });
    const clientOptions = { refreshSkewSeconds: SKEW, refreshTimeoutMs: 2_000, peerWaitMs: 300 };
    const signOuts: string[] = [];
    const errors = new Map<string, number>();
    const unexpected: string[] = [];
    const disposed = new WeakSet<SessionClient>();

    const open = (device: RigDevice) => {
      const client = device.tab(clientOptions);
      client.on('signed-out', (e) => signOuts.push(e.reason));
      return client;
    };
    const devices = Array.from({ length: DEVICES }, () => {
      const device = rig.device();
      return { device, tabs: Array.from({ length: TABS }, () => open(device)) };
    });
    const start = rig.now();
    for (const { tabs } of devices) {
      await tabs[0]!.loginWithPassword(ADA);
      await Promise.all(tabs.map((t) => t.getAccessToken()));
    }

    // Faults: one at a time, each counted once it hit a request.
    let faults = 0;
    let lossy = 0;
    let pending: FaultRule | null = null;
    rig.server.onRequest((e) => {
      if (pending?.path && e.path.endsWith(pending.path)) pending = null;
    });
    const deadline = start + SECONDS * 1000;
    const faultLoop = (async () => {
      while (rig.now() < deadline - 10_000) {
        await sleep(random.between(3_000, 8_000));
        if (pending || rig.now() >= deadline - 10_000) continue;
        const fault = FAULTS[random.between(0, FAULTS.length)]!;
        pending = fault.rule;
        faults += 1;
        if (fault.lossy) lossy += 1;
        rig.server.faults.add(fault.rule);
      }
    })();

    const act = async (client: SessionClient, choice: number) => {
      if (choice < 0.5) return client.getAccessToken();
      if (choice < 0.8) return client.listSessions({ limit: 5 });
      if (choice < 0.95) return client.fetch('http://localhost/v1/session/me/list?limit=1');
      return client.refresh();
    };
    const tabLoop = async (d: (typeof devices)[number], slot: number) => {
      while (rig.now() < deadline) {
        await sleep(random.between(50, 400));
        const client = d.tabs[slot]!;
        const roll = random.next();
        // Now and then a tab reloads, while another tab of its device is open.
        if (roll < 0.01) {
          disposed.add(client);
          await client.dispose();
          d.tabs[slot] = open(d.device);
          continue;
        }
        try {
          await act(client, random.next());
        } catch (e) {
          const code = (e as SessionError).code ?? String(e);
          errors.set(code, (errors.get(code) ?? 0) + 1);
          if (!TRANSIENT.has(code) && !(code === 'disposed' && disposed.has(client)))
            unexpected.push(code);
        }
      }
    };
    await Promise.all([faultLoop, ...devices.flatMap((d) => d.tabs.map((_, i) => tabLoop(d, i)))]);
    rig.server.faults.clear();
    const elapsed = rig.now() - start;
    const refreshes = rig.count('/refresh');
    console.info(
      `soak: ${refreshes} refreshes in ${Math.round(elapsed / 1000)} s, ${faults} faults, errors ${JSON.stringify(Object.fromEntries(errors))}`,
    );

    // I7: faults never signed anyone out, and every failure was a transient, typed one.
    expect(signOuts).toEqual([]);
    expect(unexpected).toEqual([]);
    // The refresh budget: devices × elapsed ÷ (lifetime − skew), plus one per injected fault.
    // Tokens carry whole-second iat and exp, so a token may live up to 1 s less than its TTL.
    const budget = DEVICES * Math.ceil(elapsed / ((TTL - SKEW - 1) * 1000)) + faults;
    expect(refreshes).toBeLessThanOrEqual(budget);
    // I1, I2, I3, I5; a grace presentation only after a lost or stalled answer.
    expectInvariants(
      rig,
      devices.map((d) => d.device),
      { grace: lossy },
    );
    expect(TOKEN_LIKE.test(consoleText.join('\n')), 'I3: a token reached the console').toBe(false);

    // I10: the tabs of each device converge on one token of one session.
    for (const { tabs } of devices) {
      await vi.waitFor(async () => {
        const tokens = await Promise.all(tabs.map((t) => t.getAccessToken()));
        expect(new Set(tokens).size).toBe(1);
        expect(tokens[0]).toEqual(expect.any(String));
      });
    }
    const sessions = devices.map((d) => d.tabs[0]!.getSessionId());
    expect(new Set(sessions).size).toBe(DEVICES);
    // I9: one live refresh token per session, which the next refresh presents as current.
    for (const { tabs } of devices) {
      tabs[0]!.invalidateCache();
      await tabs[0]!.refresh();
      expect(rig.log.at(-1)).toMatchObject({ status: 200, refreshToken: { state: 'current' } });
    }
    // I4: the keys stayed non-extractable.
    for (const { device } of devices) {
      const key = await new Promise<{ privateKey: CryptoKey } | undefined>((resolve, reject) => {
        const req = indexedDB.open('react-dpop-session', 1);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const get = req.result.transaction('kv').objectStore('kv').get(`${device.namespace}:key`);
          get.onsuccess = () => {
            req.result.close();
            resolve(get.result);
          };
        };
      });
      expect(key?.privateKey.extractable).toBe(false);
    }

    // I6: a sign-out on one device leaves none of its tabs a token; the other device is untouched.
    const [first, second] = devices;
    await first!.tabs[0]!.logout();
    await vi.waitFor(() => {
      for (const t of first!.tabs) expect(t.getSnapshot().status).toBe('unauthenticated');
    });
    for (const t of first!.tabs) expect(await t.getAccessToken()).toBeNull();
    expect(await rig.server.admin.isSessionActive(sessions[0]!)).toBe(false);
    await expect(second!.tabs[1]!.listSessions()).resolves.toMatchObject({ total: 1 });
    expect(second!.tabs.every((t) => t.getSnapshot().status === 'authenticated')).toBe(true);
  },
);
