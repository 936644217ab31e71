import { describe, expect, it, vi } from 'vitest';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

/**
 * Header mode (`refreshTokenTransport: "header"`): the refresh token lives in IndexedDB and
 * must follow the same rules as the key. A clean-up of an *older* generation must not
 * touch what a newer login stored (keys.remove is guarded by generation; the refresh token
 * must be too), or header mode and cookie mode disagree about which session survives.
 */

/** A crypto whose next `sign` waits for `gate` (set by the test), as in logout.test.ts. */
function gatedCrypto() {
  const state: { gate: Promise<unknown> | undefined } = { gate: undefined };
  const subtle = crypto.subtle;
  const gated = {
    randomUUID: () => crypto.randomUUID(),
    getRandomValues: <T extends ArrayBufferView>(a: T) => crypto.getRandomValues(a as never) as T,
    subtle: new Proxy(subtle, {
      get: (target, p) => {
        if (p === 'sign')
          return async (...args: Parameters<SubtleCrypto['sign']>) => {
            const g = state.gate;
            state.gate = undefined;
            await g;
            return subtle.sign(...args);
          };
        const v = Reflect.get(target, p) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }),
  } as unknown as Crypto;
  return { state, gated };
}

describe('header mode: a login that finishes while an older session is cleaned up', () => {
  it('keeps the refresh token of a login that completed while logout() was signing (the tab stays signed in, and a later refresh works)', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const device = w.device();
    const { state, gated } = gatedCrypto();
    let loggingOut: Promise<void> | undefined;
    let armed = false;
    const tab = device.tab({
      refreshTokenTransport: 'header',
      environment: { crypto: gated },
      fetch: async (input, init) => {
        const res = await device.bridge.fetch(input, init);
        if (armed && String(input).endsWith('/login/finalize')) {
          // Same race as logout.test.ts ("does not sign out a login that completed while it
          // was signing"), in header mode: logout()'s proof is signed with the first key only
          // once the second login has been taken.
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

    // The logout ended the first session only; the tab shows the second one signed in...
    expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
    expect(tab.getSessionId()).toBe(user.sessionId);
    const live = (await w.server.admin.listUserSessions('usr_ada')).map((s) => s.id);
    expect(live).toEqual([user.sessionId]);
    expect(live).not.toContain(first.user.sessionId);
    // ...and its key is still stored (keys.remove is guarded by generation)...
    expect((await idb<{ generation: number }>(`${device.namespace}:key`))?.generation).toBe(2);
    // ...so its refresh token must be too: otherwise the next refresh goes out without
    // X-Refresh-Token and the user is signed out ("expired") although the session is live.
    w.advance(300);
    await expect(tab.refresh()).resolves.toMatchObject({ user: { sessionId: user.sessionId } });
    expect(await idb(`${device.namespace}:refreshToken`)).toEqual(expect.any(String));
    expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
  });

  it('keeps the refresh token of a login in another tab when revokeSessions("mine") cleans up the older session', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const device = w.device();
    // Tab b's finalize is held at the network until released (it holds the refresh lock).
    let armed = false;
    let release: () => void = () => {};
    const hold = new Promise<void>((r) => (release = r));
    let atGate: () => void = () => {};
    const reachedGate = new Promise<void>((r) => (atGate = r));
    const a = device.tab({ refreshTokenTransport: 'header' });
    const b = device.tab({
      refreshTokenTransport: 'header',
      fetch: async (input, init) => {
        if (armed && String(input).endsWith('/login/finalize')) {
          atGate();
          await hold;
        }
        return device.bridge.fetch(input, init);
      },
    });
    await a.loginWithPassword(ADA);
    armed = true;
    // The user signs in again in tab b while tab a signs this device out of its session.
    const login = b.loginWithPassword(ADA);
    await reachedGate;
    const revoking = a.revokeSessions('mine');
    await vi.waitFor(() => expect(w.count('/me/revoke', 204)).toBe(1));
    release();
    const { user } = await login;
    await revoking;
    expect(b.getSnapshot()).toMatchObject({ status: 'authenticated' });
    expect((await w.server.admin.listUserSessions('usr_ada')).map((s) => s.id)).toEqual([
      user.sessionId,
    ]);
    // The new session's key survived the clean-up of generation 1; its refresh token must too.
    expect((await idb<{ generation: number }>(`${device.namespace}:key`))?.generation).toBe(2);
    w.advance(300);
    await expect(b.refresh()).resolves.toMatchObject({ user: { sessionId: user.sessionId } });
    expect(await idb(`${device.namespace}:refreshToken`)).toEqual(expect.any(String));
    // And a logout can still end it on the server (a /revoke without X-Refresh-Token is a
    // silent 204 that leaves the session live).
    await b.logout();
    expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]);
  });
});
