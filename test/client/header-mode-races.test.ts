import { describe, expect, it, vi } from 'vitest';
import { idb } from './helpers/idb';
import { networkGate } from './helpers/networkGate';
import { ADA, createWorld } from './helpers/world';

/**
 * Header mode (`refreshTokenTransport: "header"`): the refresh token lives in IndexedDB and
 * follows the same rules as the key. A clean-up of an *older* generation leaves what a newer
 * login stored (see also logout.test.ts, which runs its login race in both transports).
 */

describe('header mode: a login in another tab while an older session is cleaned up', () => {
  it('keeps the refresh token of a login in another tab when revokeSessions("mine") cleans up the older session', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const device = w.device();
    // Tab b's finalize is held at the network until released (it holds the refresh lock).
    const gate = networkGate('/login/finalize');
    const a = device.tab({ refreshTokenTransport: 'header' });
    const b = device.tab({
      refreshTokenTransport: 'header',
      fetch: gate.fetch(device.bridge.fetch),
    });
    await a.loginWithPassword(ADA);
    gate.arm();
    // The user signs in again in tab b while tab a signs this device out of its session.
    const login = b.loginWithPassword(ADA);
    await gate.reached;
    const revoking = a.revokeSessions('mine');
    await vi.waitFor(() => expect(w.count('/me/revoke', 204)).toBe(1));
    gate.release();
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
