import { afterEach, describe, expect, it } from 'vitest';
import { ADA, createRig, disposeRigs, expectInvariants, type Rig } from './helpers/createRig';

afterEach(disposeRigs);

const HOUR = 3_600_000;

/** Every proof's iat lies within the server's ±60 s window of the server time it was sent at. */
const offWindow = (rig: Rig) => rig.proofs.filter((p) => Math.abs(p.iat - p.sentAt / 1000) > 60);
const skewRefusals = (rig: Rig) => rig.log.filter((e) => e.status === 400 || e.status === 401);

describe('client clock skew of an hour', () => {
  it.for([HOUR, -HOUR])(
    'signs in server time and makes no refresh storm with a clock off by %i ms',
    async (offset) => {
      const rig = createRig();
      const device = rig.device({ clockOffsetMs: offset });
      const tabs = [device.tab(), device.tab(), device.tab()];
      await tabs[0]!.loginWithPassword(ADA);
      // The password step's Date header set the offset before the first proof.
      expect(offWindow(rig)).toEqual([]);
      expect(skewRefusals(rig)).toEqual([]);

      const tokens = await Promise.all(
        Array.from({ length: 60 }, (_, i) => tabs[i % 3]!.getAccessToken()),
      );
      expect(new Set(tokens).size).toBe(1);
      expect(rig.count('/refresh')).toBe(0);

      for (let round = 1; round <= 5; round++) {
        rig.advance(240);
        // Not yet due (300 s tokens, 30 s skew): still no refresh.
        await Promise.all(tabs.map((t) => t.getAccessToken()));
        expect(rig.count('/refresh')).toBe(round - 1);
        rig.advance(60);
        await Promise.all(tabs.flatMap((t) => [t.getAccessToken(), t.getAccessToken()]));
        expect(rig.count('/refresh', 200)).toBe(round);
        await expect(tabs[round % 3]!.listSessions()).resolves.toMatchObject({ total: 1 });
      }
      expect(rig.count('/refresh')).toBe(5);
      expect(offWindow(rig)).toEqual([]);
      expect(skewRefusals(rig)).toEqual([]);
      expectInvariants(rig, [device]);
    },
  );

  it('signs the first proof after a reload in server time, with no skew retry', async () => {
    const rig = createRig();
    const device = rig.device({ clockOffsetMs: -HOUR });
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    rig.advance(400);
    const reloaded = device.tab();
    await expect(reloaded.refresh()).resolves.toBeTruthy();
    expect(device.to('/refresh').map((s) => s.status)).toEqual([200]);
    expect(offWindow(rig)).toEqual([]);
    expectInvariants(rig, [device]);
  });

  it('corrects a stale stored offset with one skew retry after a reload, then needs none', async () => {
    const rig = createRig();
    const device = rig.device({ clockOffsetMs: HOUR });
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    // The user fixes the device clock: the offset kept in IndexedDB is now an hour wrong.
    rig.advance(400);
    const reloaded = device.tab({ now: () => rig.now() });
    const peer = device.tab({ now: () => rig.now() });
    await expect(reloaded.refresh()).resolves.toBeTruthy();
    const refreshes = device.to('/refresh');
    expect(refreshes.map((s) => s.status)).toEqual([400, 200]);
    expect(rig.log.filter((e) => e.status === 400)).toHaveLength(1);

    // Corrected: the peer and later refreshes carry server-time iat, without retries.
    expect(await peer.getAccessToken()).toBe(reloaded.getSnapshot().user!.accessToken);
    for (let round = 0; round < 3; round++) {
      rig.advance(300);
      await Promise.all([reloaded.getAccessToken(), peer.getAccessToken(), peer.listSessions()]);
    }
    expect(device.to('/refresh').map((s) => s.status)).toEqual([400, 200, 200, 200, 200]);
    expect(rig.log.filter((e) => e.status >= 400)).toHaveLength(1);
    expectInvariants(rig, [device]);
  });

  it('recovers with one retry when the clock jumps an hour while the tab is open', async () => {
    const rig = createRig();
    const device = rig.device();
    let jump = 0;
    const tab = device.tab({ now: () => rig.now() + jump });
    await tab.loginWithPassword(ADA);
    jump = -HOUR;
    rig.advance(60);
    // The token now looks an hour younger: the server's 401 sends it through one refresh.
    await expect(tab.listSessions()).resolves.toMatchObject({ total: 1 });
    rig.advance(300);
    await expect(tab.listSessions()).resolves.toMatchObject({ total: 1 });
    const statuses = device.sent.map((s) => `${s.path} ${s.status}`);
    expect(
      statuses.filter((s) => s.endsWith(' 400') || s.endsWith(' 401')).length,
    ).toBeLessThanOrEqual(2);
    expect(rig.count('/refresh', 200)).toBeLessThanOrEqual(2);
    expect(tab.getSnapshot().status).toBe('authenticated');
    expectInvariants(rig, [device]);
  });
});

describe('clock skew and changing nonces together', () => {
  it('needs at most one skew retry and one nonce retry for a call after a reload', async () => {
    const rig = createRig({ server: { requireNonce: true, nonceWindowSeconds: 1 } });
    const device = rig.device({ clockOffsetMs: -HOUR });
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    // The clock is fixed meanwhile, and every nonce the device kept went stale.
    rig.advance(400);
    const reloaded = device.tab({ now: () => rig.now() });
    await expect(reloaded.refresh()).resolves.toBeTruthy();
    const refreshes = device.to('/refresh');
    expect(refreshes.length).toBeLessThanOrEqual(3);
    expect(refreshes.at(-1)!.status).toBe(200);
    rig.advance(2);
    const before = device.sent.length;
    await expect(reloaded.listSessions()).resolves.toMatchObject({ total: 1 });
    expect(device.sent.slice(before).length).toBeLessThanOrEqual(2);
    expectInvariants(rig, [device]);
  });
});
