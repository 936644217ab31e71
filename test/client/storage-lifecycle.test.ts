import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/client';
import { idb } from './helpers/idb';
import { networkGate } from './helpers/networkGate';
import { ADA, createWorld } from './helpers/world';

describe('dispose() and the IndexedDB connection', () => {
  it('keeps the rotated header-mode refresh token of a refresh that was in flight at dispose', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const device = w.device();
    const gate = networkGate('/refresh');
    const a = device.tab({
      refreshTokenTransport: 'header',
      fetch: gate.fetch(device.bridge.fetch),
    });
    await a.loginWithPassword(ADA);
    const before = await idb<string>(`${device.namespace}:refreshToken`);
    expect(before).toEqual(expect.any(String));

    // The provider unmounts (or a hot reload disposes the client) while a refresh is at the
    // server: the server rotates the refresh token and answers after dispose().
    w.advance(300);
    gate.arm();
    const refreshing = a.refresh().catch(() => undefined);
    await gate.reached;
    const disposing = a.dispose();
    gate.release();
    // dispose() resolves once the refresh in flight has stored what it got.
    await disposing;
    await refreshing;
    expect(w.count('/refresh', 200)).toBe(1);

    // The successor must be what the next page load finds, not the spent predecessor.
    expect(await idb<string>(`${device.namespace}:refreshToken`)).not.toBe(before);

    // Past the grace window, the next page load of this browser must still be signed in
    // (presenting the spent token there is reuse: the whole session is revoked).
    w.advance(60);
    const next = device.tab({ refreshTokenTransport: 'header' });
    await next.refresh().catch(() => undefined);
    expect(next.getSnapshot()).toMatchObject({ status: 'authenticated' });
  });
});

describe('the database upgraded or deleted by someone else', () => {
  it('keeps using IndexedDB after the database is upgraded, as the commit message promises', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const warnings: SessionEvent[] = [];
    a.on('warning', (e) => warnings.push(e));
    await a.loginWithPassword(ADA);

    // Another script on the origin upgrades the database: the client gives way.
    const current = await new Promise<number>((resolve, reject) => {
      const probe = indexedDB.open('react-dpop-session');
      probe.onsuccess = () => {
        const v = probe.result.version;
        probe.result.close();
        resolve(v);
      };
      probe.onerror = () => reject(probe.error);
    });
    await new Promise<void>((resolve, reject) => {
      const up = indexedDB.open('react-dpop-session', current + 1);
      up.onsuccess = () => {
        up.result.close();
        resolve();
      };
      up.onerror = () => reject(up.error);
      up.onblocked = () => reject(new Error('blocked: the client did not give way'));
    });

    // "It reopens it when next used": the next use must not fall back to memory only.
    try {
      w.advance(300);
      await a.refresh();
      expect(warnings.filter((e) => 'code' in e && e.code === 'storage_unavailable')).toEqual([]);
    } finally {
      await a.dispose();
      await new Promise((resolve) => {
        const del = indexedDB.deleteDatabase('react-dpop-session');
        del.onsuccess = del.onerror = del.onblocked = resolve;
      });
    }
  });
});

describe('a sign-out marker and a newer login', () => {
  it("does not let an older session's pending sign-out sign out a login made since", async () => {
    const w = createWorld();
    const device = w.device();
    const win = new EventTarget();
    const tab = device.tab({ environment: { window: win } });
    await tab.loginWithPassword(ADA);
    const { user } = await tab.loginWithPassword(ADA);
    // A logout of session 1 that raced the second login left its marker behind.
    await idb(`${device.namespace}:pendingSignOut`, 1);
    win.dispatchEvent(new Event('pageshow'));
    await new Promise((r) => setTimeout(r, 50));
    expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
    expect(tab.getSessionId()).toBe(user.sessionId);
  });
});

describe('the session API recognised however baseUrl is written', () => {
  it('shares the session API nonce between its own calls and fetch to it', async () => {
    const w = createWorld({ requireNonce: true });
    const tab = w.device().tab({ baseUrl: 'http://LOCALHOST:80/' });
    await tab.loginWithPassword(ADA);
    const before = w.log.length;
    expect((await tab.fetch('http://localhost/v1/session/me/list')).status).toBe(200);
    // The nonce learned at login is used: no use_dpop_nonce round trip.
    expect(w.log.slice(before).map((e) => e.status)).toEqual([200]);
  });
});
