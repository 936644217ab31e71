import { describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../src/client';
import { gatedCrypto } from './helpers/gatedCrypto';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

describe('logout', () => {
  it('signs the proof, wipes and broadcasts, calls /revoke, then deletes the key', async () => {
    const w = createWorld();
    const device = w.device();
    const seen: string[] = [];
    const order: string[] = [];
    const a = device.tab({
      fetch: async (input, init) => {
        if (String(input).endsWith('/revoke')) {
          order.push(`revoke sent; signed out: ${a.getSnapshot().status === 'unauthenticated'}`);
          order.push(`key present: ${(await idb(`${device.namespace}:key`)) !== undefined}`);
        }
        return device.bridge.fetch(input, init);
      },
    });
    const b = device.tab();
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    b.on('signed-out', (e) => seen.push(e.reason));
    await a.logout();
    expect(order).toEqual(['revoke sent; signed out: true', 'key present: true']);
    expect(a.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
    await vi.waitFor(() => expect(seen).toEqual(['logout']));
    expect(b.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
    expect(await idb(`${device.namespace}:key`)).toBeUndefined();
    expect(w.count('/revoke', 204)).toBe(1);
    expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]);
    // Nothing is left to restore: no request at all.
    expect(await b.getAccessToken()).toBeNull();
    expect(w.count('/refresh')).toBe(0);
  });

  it('deletes the kept nonces with the key', async () => {
    const w = createWorld({ requireNonce: true });
    const device = w.device();
    const tab = device.tab();
    await tab.loginWithPassword(ADA);
    await vi.waitFor(async () => expect(await idb(`${device.namespace}:nonces`)).toBeDefined());
    await tab.logout();
    expect(w.count('/revoke', 204)).toBe(1);
    expect(await idb(`${device.namespace}:nonces`)).toBeUndefined();
    expect(await idb(`${device.namespace}:key`)).toBeUndefined();
  });

  it('shares one in-flight logout between concurrent callers and is idempotent', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    await Promise.all([tab.logout(), tab.logout(), tab.logout()]);
    await tab.logout();
    expect(w.count('/revoke')).toBe(1);
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
  });

  it('leaves a pending sign-out marker when /revoke fails, blocks restore, and retries online', async () => {
    const w = createWorld();
    const device = w.device();
    let online = true;
    const win = new EventTarget();
    const tab = device.tab({ environment: { onLine: () => online, window: win } });
    await tab.loginWithPassword(ADA);
    online = false;
    // The network is down: /revoke never reaches the server.
    const down = device.tab({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      environment: { onLine: () => online, window: win },
    });
    const warnings: string[] = [];
    down.on('warning', (e) => warnings.push(e.code));
    await down.logout();
    expect(warnings).toEqual(['logout_pending']);
    expect(down.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
    expect(await idb(`${device.namespace}:pendingSignOut`)).toBe(1);
    expect(await w.server.admin.listUserSessions('usr_ada')).toHaveLength(1);
    // A reload does not silently restore the session.
    const reloaded = device.tab();
    expect(await reloaded.getAccessToken()).toBeNull();
    expect(w.count('/refresh')).toBe(0);
    // Back online: the revoke is retried and the key deleted.
    online = true;
    win.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(w.count('/revoke', 204)).toBe(1));
    await vi.waitFor(async () =>
      expect(await idb(`${device.namespace}:pendingSignOut`)).toBeUndefined(),
    );
    expect(await idb(`${device.namespace}:key`)).toBeUndefined();
    expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]);
  });

  it('clears a pending sign-out and the old key at a new login', async () => {
    const w = createWorld();
    const device = w.device();
    const down = device.tab({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    const tab = device.tab();
    await tab.loginWithPassword(ADA);
    await down.logout();
    expect(await idb(`${device.namespace}:pendingSignOut`)).toBe(1);
    const { user } = await tab.loginWithPassword(ADA);
    expect(await idb(`${device.namespace}:pendingSignOut`)).toBeUndefined();
    expect((await idb<{ generation: number }>(`${device.namespace}:key`))?.generation).toBe(2);
    // Finalize with the old cookie ended the old session: one live session, the new one.
    expect((await w.server.admin.listUserSessions('usr_ada')).map((s) => s.id)).toEqual([
      user.sessionId,
    ]);
    w.advance(300);
    await expect(tab.refresh()).resolves.toBeTruthy();
  });

  it('signs /revoke again when its early proof went stale while another tab held the lock', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    await tab.loginWithPassword(ADA);
    // Another tab holds the refresh lock for two minutes of server time.
    let release!: () => void;
    const held = new Promise<void>((granted) =>
      device.locks.request(`react-dpop-session:${device.namespace}`, () => {
        granted();
        return new Promise<void>((r) => (release = r));
      }),
    );
    await held;
    const out = tab.logout(); // signs its proof now, then waits for the lock
    await vi.waitFor(() => expect(tab.getSnapshot().status).toBe('unauthenticated'));
    w.advance(120);
    release();
    await out;
    // The proof signed two minutes ago is refused as stale; a fresh one ends the session.
    expect(w.count('/revoke', 204)).toBe(1);
    expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]);
  });

  it.each(['cookie', 'header'] as const)(
    'does not sign out a login that completed while it was signing: what the tab shows is what a reload restores (%s mode)',
    async (transport) => {
      const w = createWorld({ refreshTokenTransport: transport });
      const device = w.device();
      // Holds back the next signature (logout's proof) until the gate opens.
      const { state, gated } = gatedCrypto();
      let loggingOut: Promise<void> | undefined;
      let armed = false;
      const tab = device.tab({
        refreshTokenTransport: transport,
        environment: { crypto: gated },
        fetch: async (input, init) => {
          const res = await device.bridge.fetch(input, init);
          if (armed && String(input).endsWith('/login/finalize')) {
            // The server accepted the second login; the tab has not taken it yet when the app
            // calls logout(), whose proof is signed only once the login has been taken.
            armed = false;
            state.gate = new Promise((signedIn) => tab.on('signed-in', signedIn));
            loggingOut = tab.logout();
          }
          return res;
        },
      });
      const first = await tab.loginWithPassword(ADA);
      armed = true;
      const { user } = await tab.loginWithPassword(ADA);
      await loggingOut;
      // The logout ended the session it found (the first); the login that finished after it stays.
      expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
      expect(tab.getSessionId()).toBe(user.sessionId);
      const reloaded = device.tab({ refreshTokenTransport: transport });
      expect(await reloaded.getAccessToken()).not.toBeNull();
      expect(reloaded.getSessionId()).toBe(user.sessionId);
      const live = (await w.server.admin.listUserSessions('usr_ada')).map((s) => s.id);
      expect(live).toEqual([user.sessionId]);
      expect(live).not.toContain(first.user.sessionId);
      // Its key and (header mode) refresh token survived the clean-up: later refreshes work.
      w.advance(300);
      await expect(tab.refresh()).resolves.toMatchObject({ user: { sessionId: user.sessionId } });
    },
  );
});

describe('revokeSessions', () => {
  const twoDevices = async () => {
    const w = createWorld();
    const phone = w.device();
    const laptop = w.device();
    const a = phone.tab();
    const a2 = phone.tab();
    const b = laptop.tab();
    await a.loginWithPassword(ADA);
    await a2.getAccessToken();
    await b.loginWithPassword(ADA);
    return { w, a, a2, b };
  };

  it('ends the other sessions and keeps this one for "others"', async () => {
    const { w, a, b } = await twoDevices();
    await a.revokeSessions('others');
    expect(a.getSnapshot().status).toBe('authenticated');
    expect((await a.listSessions()).sessions).toHaveLength(1);
    w.advance(300);
    await expect(b.refresh()).rejects.toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });

  it('signs this device out in every tab after the 204 for "all", "mine" and its own id', async () => {
    for (const target of ['all', 'mine', 'own'] as const) {
      const { w, a, a2 } = await twoDevices();
      const id = a.getSessionId()!;
      if (target === 'own') await a.revokeSessions('session', id);
      else await a.revokeSessions(target);
      expect(w.count('/me/revoke', 204)).toBe(1);
      expect(a.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
      await vi.waitFor(() =>
        expect(a2.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' }),
      );
    }
  });

  it('ends one other session by id, in either form', async () => {
    const { a, b } = await twoDevices();
    await a.revokeSessions({ session: b.getSessionId()! });
    expect(a.getSnapshot().status).toBe('authenticated');
    expect((await a.listSessions()).total).toBe(1);
  });

  it('rejects a blank id with a TypeError before any request', async () => {
    const { w, a } = await twoDevices();
    const before = w.log.length;
    await expect(a.revokeSessions('session', '  ')).rejects.toBeInstanceOf(TypeError);
    await expect(a.revokeSessions({ session: '' })).rejects.toBeInstanceOf(TypeError);
    await expect(a.revokeSessions('session' as 'all')).rejects.toBeInstanceOf(TypeError);
    expect(w.log.length).toBe(before);
  });

  it('changes nothing locally when the server refuses', async () => {
    const { w, a } = await twoDevices();
    const snapshot = a.getSnapshot();
    await expect(a.revokeSessions({ session: 'ses_unknown' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    w.server.faults.add({ path: '/me/revoke', status: 500 });
    await expect(a.revokeSessions('all')).rejects.toMatchObject({ code: 'server_error' });
    expect(a.getSnapshot()).toBe(snapshot);
    expect((await a.listSessions()).total).toBe(2);
  });
});
