import { describe, expect, it, vi } from 'vitest';
import type * as clientEntry from '../../src/client';
import { createSessionClient, DisposedError, type SessionEvent } from '../../src/client';
import { createBrowserBridge, createSessionServer } from '../../src/server';
import { idbDump } from './helpers/idb';
import { ADA, BASE_URL, createWorld } from './helpers/world';

describe('sessionClient lifecycle', () => {
  it('starts loading and settles unauthenticated without a request when there is no session', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    expect(tab.getSnapshot()).toEqual({ status: 'loading' });
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await tab.getAccessToken()).toBeNull();
    expect(tab.getSnapshot().status).toBe('unauthenticated');
    expect(tab.getProfile()).toBeNull();
    expect(tab.getSessionId()).toBeNull();
    expect(tab.getAccessTokenExpiresAt()).toBeNull();
    expect(w.log).toHaveLength(0);
  });

  it('reads the profile, session and expiry from the cache', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    const { user } = await tab.loginWithPassword(ADA);
    expect(tab.getProfile()).toEqual({ name: 'Ada' });
    expect(tab.getSessionId()).toBe(user.sessionId);
    expect(tab.getAccessTokenExpiresAt()).toEqual(new Date(w.now() + 300_000));
    expect(user).toMatchObject({ userId: 'usr_ada', profile: { name: 'Ada' } });
  });

  it('answers getAccessToken from the cache without crypto, storage or network', async () => {
    const w = createWorld();
    const device = w.device();
    let requests = 0;
    const tab = device.tab({
      fetch: (input, init) => (requests++, device.bridge.fetch(input, init)),
    });
    const { user } = await tab.loginWithPassword(ADA);
    const subtle = ['sign', 'digest', 'exportKey', 'generateKey'].map((m) =>
      vi.spyOn(crypto.subtle, m as 'sign'),
    );
    const random = vi.spyOn(crypto, 'randomUUID');
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const before = requests;
    try {
      for (let i = 0; i < 100; i++) expect(await tab.getAccessToken()).toBe(user.accessToken);
      expect([...subtle, random, transactions].map((s) => s.mock.calls.length)).toEqual([
        0, 0, 0, 0, 0, 0,
      ]);
      expect(requests).toBe(before);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('keeps the snapshot identity until its content changes', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    let calls = 0;
    tab.subscribe(() => calls++);
    await tab.loginWithPassword(ADA);
    const first = tab.getSnapshot();
    expect(calls).toBe(1);
    await tab.getAccessToken();
    await tab.refresh();
    expect(tab.getSnapshot()).toBe(first);
    expect(calls).toBe(1);
    w.advance(300);
    await tab.refresh();
    expect(tab.getSnapshot()).not.toBe(first);
    expect(calls).toBe(2);
  });

  it('refreshes when the cache was invalidated', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    const { user } = await tab.loginWithPassword(ADA);
    tab.invalidateCache();
    expect((await tab.refresh()).user.accessToken).not.toBe(user.accessToken);
    expect(w.count('/refresh')).toBe(1);
  });

  it('emits signed-in, refreshed and signed-out, in every tab', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    const seen: Record<string, string[]> = { a: [], b: [] };
    for (const [name, tab] of [
      ['a', a],
      ['b', b],
    ] as const)
      for (const type of ['signed-in', 'refreshed', 'signed-out'] as const)
        tab.on(type, (e: SessionEvent) => seen[name]!.push(e.type));
    await a.loginWithPassword(ADA);
    w.advance(300);
    await a.refresh();
    await a.logout();
    await vi.waitFor(() => expect(seen.b).toEqual(['signed-in', 'refreshed', 'signed-out']));
    expect(seen.a).toEqual(['signed-in', 'refreshed', 'signed-out']);
  });

  it('lets the app delete the database: a disposed client closes it, a live one gives way', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    const live = device.tab();
    await tab.loginWithPassword(ADA);
    await live.getAccessToken();
    await tab.dispose();
    // As "clear site data" code of an app does; a connection left open would block it for good.
    const outcome = await new Promise<string>((resolve) => {
      const req = indexedDB.deleteDatabase('react-dpop-session');
      req.onsuccess = () => resolve('deleted');
      req.onerror = () => resolve('failed');
    });
    expect(outcome).toBe('deleted');
  });

  it('throws DisposedError from every method after dispose and releases what it held', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    const other = device.tab();
    await tab.loginWithPassword(ADA);
    await other.getAccessToken();
    const presence = `react-dpop-session:${device.namespace}:presence`;
    expect(await device.heldCount(presence)).toBe(2);
    let calls = 0;
    tab.subscribe(() => calls++);
    await tab.dispose();
    await tab.dispose();
    await vi.waitFor(async () => expect(await device.heldCount(presence)).toBe(1));
    await other.logout();
    expect(calls).toBe(0);
    for (const call of [
      () => tab.getSnapshot(),
      () => tab.getProfile(),
      () => tab.getSessionId(),
      () => tab.getAccessTokenExpiresAt(),
      () => tab.invalidateCache(),
      () => tab.subscribe(() => {}),
      () => tab.on('refreshed', () => {}),
    ])
      expect(call).toThrow(DisposedError);
    for (const call of [
      () => tab.refresh(),
      () => tab.getAccessToken(),
      () => tab.logout(),
      () => tab.listSessions(),
      () => tab.revokeSessions('others'),
      () => tab.fetch(`${BASE_URL}/v1/session/me/list`),
      () => tab.loginWithPassword(ADA),
      () => tab.finalizeLogin('x'),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'disposed' });
  });

  it('refreshes in the background only when asked to', async () => {
    const server = createSessionServer({
      users: [{ id: 'usr_ada', ...ADA }],
      rateLimit: false,
      accessTokenTtlSeconds: 2,
    });
    let refreshes = 0;
    server.onRequest((e) => void (e.path.endsWith('/refresh') && refreshes++));
    const bridge = createBrowserBridge(server);
    const tab = createSessionClient({
      baseUrl: BASE_URL,
      fetch: bridge.fetch,
      namespace: 'bg-' + crypto.randomUUID(),
      backgroundRefresh: true,
      environment: { locks: null },
    });
    try {
      await tab.loginWithPassword(ADA);
      await vi.waitFor(() => expect(refreshes).toBeGreaterThanOrEqual(1), { timeout: 4_000 });
      expect(tab.getSnapshot().status).toBe('authenticated');
    } finally {
      await tab.dispose();
    }
  });

  it('reads no browser global at import time or creation', async () => {
    const names = ['indexedDB', 'BroadcastChannel', 'navigator'] as const;
    const saved = names.map((n) => Object.getOwnPropertyDescriptor(globalThis, n));
    const touched: string[] = [];
    for (const n of names)
      Object.defineProperty(globalThis, n, {
        configurable: true,
        get: () => {
          touched.push(n);
          return undefined;
        },
      });
    try {
      // Fresh copies of every module of the entry, evaluated while the globals are watched.
      vi.resetModules();
      const path = '../../src/client/index.ts?no-globals';
      const copy = (await import(/* @vite-ignore */ path)) as typeof clientEntry;
      const client = copy.createSessionClient({ baseUrl: BASE_URL });
      expect(client.getSnapshot().status).toBe('loading');
      expect(touched).toEqual([]);
    } finally {
      names.forEach((n, i) => saved[i] && Object.defineProperty(globalThis, n, saved[i]!));
    }
  });
});

describe('storage hygiene', () => {
  it('writes nothing token-like to web storage, cookies or (in cookie mode) IndexedDB', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    const { user } = await tab.loginWithPassword(ADA);
    w.advance(300);
    const { user: next } = await tab.refresh();
    await tab.listSessions();
    const secrets = [
      user.accessToken,
      next.accessToken,
      ...device.bridge.cookies().map((c) => c.value),
    ];
    const dump = JSON.stringify(await idbDump());
    const web =
      JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie;
    for (const s of secrets) {
      expect(dump).not.toContain(s);
      expect(web).not.toContain(s);
    }
    expect(localStorage.length + sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });

  it('keeps the refresh token in IndexedDB in header mode and shares it between tabs', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const device = w.device();
    const tabs = [0, 1, 2].map(() => device.tab({ refreshTokenTransport: 'header' }));
    await tabs[0]!.loginWithPassword(ADA);
    expect(device.bridge.cookies()).toEqual([]);
    const stored = (await idbDump()).find(([k]) => k === `${device.namespace}:refreshToken`);
    expect(stored?.[1]).toEqual(expect.any(String));
    for (let round = 0; round < 3; round++) {
      w.advance(300);
      await Promise.all(tabs.map((t) => t.getAccessToken()));
    }
    expect(w.count('/refresh', 200)).toBe(3);
    expect(
      w.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.refreshToken?.state),
    ).toEqual(['current', 'current', 'current']);
    await tabs[1]!.logout();
    expect(w.count('/revoke', 204)).toBe(1);
    expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]);
    expect(
      (await idbDump()).find(([k]) => k === `${device.namespace}:refreshToken`),
    ).toBeUndefined();
  });
});
