import { afterEach, describe, expect, it } from 'vitest';
import { ADA, createRig, disposeRigs, expectInvariants, type RigDevice } from './helpers/createRig';

afterEach(disposeRigs);

/** Requests a device sent to `path` since `from`, and how many of them were answered use_dpop_nonce (400). */
const since = (d: RigDevice, from: number, path: string) => {
  const sent = d.sent.slice(from).filter((s) => s.path === path);
  return { sent: sent.length, ok: sent.filter((s) => s.status! < 300).length };
};

describe('changing nonces (nonceWindowSeconds: 1)', () => {
  it('succeeds on every call with at most one extra round trip, and never spends a token on a nonce', async () => {
    const rig = createRig({ server: { requireNonce: true, nonceWindowSeconds: 1 } });
    const device = rig.device();
    const [a, b] = [device.tab(), device.tab()];
    await a.loginWithPassword(ADA);
    // Finalize needs a nonce the password step's answer already carried.
    expect(since(device, 0, '/login/finalize').sent).toBeLessThanOrEqual(2);

    for (let round = 0; round < 6; round++) {
      const tab = round % 2 ? b : a;
      // Two windows later every nonce the client holds is stale.
      rig.advance(2);
      let mark = device.sent.length;
      const page = await tab.listSessions();
      expect(page.total).toBe(1);
      const list = since(device, mark, '/me/list');
      expect(list.ok).toBe(1);
      expect(list.sent).toBeLessThanOrEqual(2);

      // Past the access token's lifetime: a refresh with a stale nonce.
      rig.advance(301);
      mark = device.sent.length;
      await expect(tab.refresh()).resolves.toBeTruthy();
      const refresh = since(device, mark, '/refresh');
      expect(refresh.ok).toBe(1);
      expect(refresh.sent).toBeLessThanOrEqual(2);
    }

    rig.advance(2);
    const mark = device.sent.length;
    await b.revokeSessions('others');
    expect(since(device, mark, '/me/revoke').sent).toBeLessThanOrEqual(2);
    rig.advance(2);
    await a.logout();
    expect(rig.count('/revoke', 204)).toBe(1);
    expect(since(device, mark, '/revoke').sent).toBeLessThanOrEqual(2);
    expect(await rig.server.admin.listUserSessions('usr_ada')).toEqual([]);
    // Every refused nonce left the token unspent: no rotated token was presented.
    expectInvariants(rig, [device]);
    expect(rig.count('/refresh', 200)).toBe(6);
    // The nonces did change under the client: some proofs were refused for them.
    expect(rig.count('/me/list', 401) + rig.count('/refresh', 400)).toBeGreaterThan(0);
  });

  it('keeps two devices and their tabs signed in while nonces change under them', async () => {
    const rig = createRig({ server: { requireNonce: true, nonceWindowSeconds: 1 } });
    const phone = rig.device();
    const laptop = rig.device();
    const tabs = [phone.tab(), phone.tab(), laptop.tab(), laptop.tab()];
    await tabs[0]!.loginWithPassword(ADA);
    await tabs[2]!.loginWithPassword(ADA);
    for (let round = 0; round < 4; round++) {
      rig.advance(301);
      const before = { phone: phone.sent.length, laptop: laptop.sent.length };
      const tokens = await Promise.all(tabs.map((t) => t.getAccessToken()));
      expect(tokens.every((t) => typeof t === 'string')).toBe(true);
      // One refresh per device, each with at most one nonce retry.
      for (const [d, from] of [
        [phone, before.phone],
        [laptop, before.laptop],
      ] as const) {
        const r = since(d, from, '/refresh');
        expect(r.ok).toBe(1);
        expect(r.sent).toBeLessThanOrEqual(2);
      }
    }
    expectInvariants(rig, [phone, laptop]);
  });
});
