import { describe, expect, it, vi } from 'vitest';
import type { TabMessage } from '../../src/client/refreshCoordinator';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from '../../src/client/protocol';
import { createStorage } from '../../src/client/storage';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

/** Listens on a namespace's channel as another tab of the origin would, and can post on it. */
function channelOf(namespace: string) {
  const channel = new BroadcastChannel('react-dpop-session:' + namespace);
  const heard: TabMessage[] = [];
  channel.onmessage = (e: MessageEvent<TabMessage>) => heard.push(e.data);
  return { heard, post: (m: TabMessage) => channel.postMessage(m), close: () => channel.close() };
}

describe('a token broadcast to a tab that holds none (I6)', () => {
  /** A device signed in in tab A, with A's login broadcast captured, and tab C opened but holding nothing. */
  async function loginHeard() {
    const w = createWorld();
    const device = w.device();
    const ear = channelOf(device.namespace);
    const a = device.tab();
    await a.loginWithPassword(ADA);
    await vi.waitFor(() => expect(ear.heard.some((m) => m.t === 'token')).toBe(true));
    const message = ear.heard.find((m) => m.t === 'token')!;
    const sessionId = a.getSessionId()!;
    await a.dispose(); // so that only C answers on the channel
    const c = device.tab();
    c.getProfile(); // starts the client: it listens from now on
    return { w, device, ear, c, message, sessionId };
  }

  it('is taken while the key of its generation is stored', async () => {
    const { ear, c, message, sessionId } = await loginHeard();
    ear.post(message);
    await vi.waitFor(() => expect(c.getSessionId()).toBe(sessionId));
    ear.close();
  });

  /** Posts `message`, then asks the tabs for a token: C's answer shows what it holds. */
  async function offer(ear: ReturnType<typeof channelOf>, message: TabMessage) {
    const before = ear.heard.length;
    ear.post(message);
    ear.post({ t: 'ask' });
    await vi.waitFor(() => expect(ear.heard.length).toBeGreaterThan(before));
    return ear.heard.slice(before);
  }

  it('is dropped once the key is gone, and the tab stays signed out', async () => {
    const { w, device, ear, c, message } = await loginHeard();
    await idb(`${device.namespace}:key`, undefined, true);
    expect(await offer(ear, message)).toEqual([{ t: 'none' }]);
    expect(await c.getAccessToken()).toBeNull();
    expect(c.getSnapshot().status).toBe('unauthenticated');
    expect(await offer(ear, { t: 'none' })).toEqual([{ t: 'none' }]);
    expect(w.count('/refresh')).toBe(0);
    ear.close();
  });

  it('is dropped while a sign-out is pending', async () => {
    const { device, ear, c, message } = await loginHeard();
    const { generation } = (message as Extract<TabMessage, { t: 'token' }>).token;
    await idb(`${device.namespace}:pendingSignOut`, generation);
    expect(await offer(ear, message)).toEqual([{ t: 'none' }]);
    expect(await c.getAccessToken()).toBeNull();
    expect(c.getSessionId()).toBeNull();
    expect(await offer(ear, { t: 'none' })).toEqual([{ t: 'none' }]);
    ear.close();
  });

  it('is never sent by a tab that refused its own late refresh answer', async () => {
    const w = createWorld();
    const device = w.device();
    let sent = 0;
    const a = device.tab();
    const b = device.tab({
      fetch: (input, init) => {
        if (String(input).endsWith('/refresh')) sent++;
        return device.bridge.fetch(input, init);
      },
    });
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    w.advance(301);
    w.server.faults.add({ path: '/refresh', latencyMs: 200 });
    const refreshing = b.refresh().catch((e: unknown) => e);
    await vi.waitFor(() => expect(sent).toBe(1));
    const ear = channelOf(device.namespace);
    await a.logout();
    await refreshing;
    expect(w.count('/refresh', 200)).toBe(1);
    expect(ear.heard.filter((m) => m.t === 'token')).toEqual([]);
    expect(b.getSnapshot().status).toBe('unauthenticated');
    ear.close();
  });
});

describe('storage that starts failing mid-session', () => {
  /** fake-indexeddb's factory, whose transactions throw once `broken` is set. */
  function breakable() {
    const state = { broken: false };
    const factory = {
      open(name: string, version?: number) {
        const req = indexedDB.open(name, version);
        req.addEventListener('success', () => {
          const db = req.result;
          const transaction = db.transaction.bind(db);
          db.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
            if (state.broken) throw new DOMException('closing', 'InvalidStateError');
            return transaction(...args);
          }) as IDBDatabase['transaction'];
        });
        return req;
      },
    } as unknown as IDBFactory;
    return { state, factory };
  }

  it('still has what this tab wrote and read, and warns once', async () => {
    const { state, factory } = breakable();
    const prefix = 'ns-' + crypto.randomUUID() + ':';
    const onFallback = vi.fn();
    const storage = createStorage(() => factory, prefix, onFallback);
    await storage.set('key', { generation: 1 });
    await storage.set('gone', 1);
    await idb(prefix + 'other', 'from another tab');
    expect(await storage.get('other')).toBe('from another tab');
    state.broken = true;
    await storage.del('gone');
    expect(await storage.get('key')).toEqual({ generation: 1 });
    expect(await storage.get('other')).toBe('from another tab');
    expect(await storage.get('gone')).toBeUndefined();
    expect(storage.memoryOnly).toBe(true);
    expect(onFallback).toHaveBeenCalledTimes(1);
  });

  it('signs a tab out, never leaves it "authenticated", when its key is gone', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    await tab.loginWithPassword(ADA);
    await idb(`${device.namespace}:key`, undefined, true);
    w.advance(301);
    expect(await tab.getAccessToken()).toBeNull();
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'key-lost' });
    expect(w.count('/refresh')).toBe(0);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 10, 23, 10);
  it.each([
    ['7', 7],
    ['0', 0],
    ['86400', MAX_RETRY_AFTER_SECONDS],
    ['9'.repeat(400), MAX_RETRY_AFTER_SECONDS],
    [new Date(now + 42_000).toUTCString(), 42],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 0],
    ['Wed, 21 Oct 2099 07:28:00 GMT', MAX_RETRY_AFTER_SECONDS],
    [null, 1],
    ['', 1],
    ['-5', 1],
    ['1.5', 1],
    ['Infinity', 1],
    ['1e400', 1],
    ['soon', 1],
  ])('reads %j as %i seconds', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it('ignores a backoff in the marker that lasts longer than any Retry-After allows', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    await tab.loginWithPassword(ADA);
    w.advance(301);
    // As an earlier version wrote it for `Retry-After: Infinity`.
    const marker = await idb<object>(`${device.namespace}:marker`);
    await idb(`${device.namespace}:marker`, {
      ...marker,
      backoffUntil: Infinity,
      failures: 1,
      error: { code: 'rate_limited' },
    });
    await expect(tab.refresh()).resolves.toMatchObject({ user: { userId: 'usr_ada' } });
    expect(w.count('/refresh', 200)).toBe(1);
  });
});
