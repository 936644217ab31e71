import { describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../src/client';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

/** A BroadcastChannel whose messages arrive late, as when a lock grant wins the race. */
class SlowChannel extends BroadcastChannel {
  override set onmessage(listener: ((e: MessageEvent) => void) | null) {
    super.onmessage = listener && ((e) => void setTimeout(() => listener.call(this, e), 30));
  }
}

describe('refreshCoordinator', () => {
  it('makes one refresh for many concurrent callers in one tab', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(300);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => tab.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(w.count('/refresh')).toBe(1);
  });

  it('spends each refresh token once across tabs', async () => {
    const w = createWorld();
    const device = w.device();
    const tabs = Array.from({ length: 5 }, () => device.tab());
    await tabs[0]!.loginWithPassword(ADA);
    await Promise.all(tabs.map((t) => t.getAccessToken()));
    expect(w.count('/refresh')).toBe(0);
    w.advance(300);
    const tokens = await Promise.all(
      tabs.flatMap((t) => Array.from({ length: 10 }, () => t.getAccessToken())),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(w.count('/refresh')).toBe(1);
    expect(w.log.filter((e) => e.refreshToken?.state === 'rotated')).toHaveLength(0);
  });

  it('takes the broadcast token the marker promises instead of refreshing', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    await a.loginWithPassword(ADA);
    expect(await b.getAccessToken()).toBe(a.getSnapshot().user!.accessToken);
    w.advance(300);
    const [ta, tb] = await Promise.all([a.refresh(), b.refresh()]);
    expect(tb.user.accessToken).toBe(ta.user.accessToken);
    expect(w.count('/refresh')).toBe(1);
  });

  it('waits for the broadcast the marker promises even when it cannot see peers', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    // b cannot list peers (no query()) and hears the channel late: only the marker
    // can tell it that a's refresh is on its way.
    const noQuery = { request: device.locks.request.bind(device.locks) };
    const b = device.tab({
      environment: { locks: noQuery as unknown as LockManager, BroadcastChannel: SlowChannel },
    });
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    for (let round = 0; round < 3; round++) {
      w.advance(300);
      const [ta, tb] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
      expect(tb).toBe(ta);
    }
    expect(w.count('/refresh')).toBe(3);
  });

  it('gets a token from a live peer when it opens next to one', async () => {
    const w = createWorld();
    const device = w.device();
    const peer = device.tab();
    await peer.loginWithPassword(ADA);
    // No marker promises anything: only the presence lock says a peer is alive.
    await idb(`${device.namespace}:marker`, undefined, true);
    const fresh = device.tab();
    expect(await fresh.getAccessToken()).toBe(peer.getSnapshot().user!.accessToken);
    expect(fresh.getSnapshot().status).toBe('authenticated');
    expect(w.count('/refresh')).toBe(0);
  });

  it('refreshes at once as a lone tab, without waiting for peers', async () => {
    const w = createWorld();
    const device = w.device();
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    // A reload: a new instance, nobody else alive. The wait for peers would
    // take an hour, so finishing at all shows it did not wait.
    const reloaded = device.tab({ peerWaitMs: 3_600_000 });
    expect(await reloaded.getAccessToken()).toEqual(expect.any(String));
    expect(w.count('/refresh')).toBe(1);
  });

  it('ends a lapsed wait for a silent peer with a safe refresh', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    await a.loginWithPassword(ADA);
    // A peer that holds the presence lock but cannot answer (its channel is missing).
    const mute = device.tab({ environment: { BroadcastChannel: null } });
    await mute.getAccessToken().catch(() => null);
    await a.dispose();
    const b = device.tab({ peerWaitMs: 20 });
    expect(await b.getAccessToken()).toEqual(expect.any(String));
    expect(w.count('/refresh', 200)).toBeGreaterThanOrEqual(1);
    expect(w.log.filter((e) => e.refreshToken?.state === 'rotated')).toHaveLength(0);
  });

  it('answers a lock that is not granted in time with LockTimeoutError and no refresh', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab({ lockTimeoutMs: 20 });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holding = device.locks.request(`react-dpop-session:${device.namespace}`, () => held);
    const before = w.count('/refresh');
    const error = await tab.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).code).toBe('lock_timeout');
    expect(w.count('/refresh')).toBe(before);
    release();
    await holding;
    await expect(tab.refresh()).resolves.toBeTruthy();
  });

  it('coalesces within the tab and relies on grace without Web Locks', async () => {
    const w = createWorld();
    const device = w.device();
    const tabs = [0, 1, 2].map(() => device.tab({ environment: { locks: null } }));
    await tabs[0]!.loginWithPassword(ADA);
    w.advance(300);
    const tokens = await Promise.all(tabs.flatMap((t) => [t.getAccessToken(), t.getAccessToken()]));
    expect(tokens.every((t) => typeof t === 'string')).toBe(true);
    expect(w.count('/refresh')).toBeLessThanOrEqual(3);
    expect(w.log.filter((e) => e.path.endsWith('/refresh') && e.status !== 200)).toHaveLength(0);
    expect(tabs.every((t) => t.getSnapshot().status === 'authenticated')).toBe(true);
  });

  it('works without BroadcastChannel', async () => {
    const w = createWorld();
    const device = w.device();
    const tabs = [0, 1].map(() => device.tab({ environment: { BroadcastChannel: null } }));
    await tabs[0]!.loginWithPassword(ADA);
    w.advance(300);
    await Promise.all(tabs.map((t) => t.getAccessToken()));
    expect(tabs.every((t) => t.getSnapshot().status === 'authenticated')).toBe(true);
    expect(w.log.filter((e) => e.path.endsWith('/refresh') && e.status !== 200)).toHaveLength(0);
  });

  it('makes no refresh while a cached token is valid and refreshes within the skew', async () => {
    const w = createWorld();
    const tab = w.device().tab({ refreshSkewSeconds: 30 });
    const { user } = await tab.loginWithPassword(ADA);
    w.advance(269);
    expect(await tab.getAccessToken()).toBe(user.accessToken);
    expect(w.count('/refresh')).toBe(0);
    w.advance(2);
    expect(await tab.getAccessToken()).not.toBe(user.accessToken);
    expect(w.count('/refresh')).toBe(1);
  });

  it('clamps the skew to half the token lifetime', async () => {
    const w = createWorld({ accessTokenTtlSeconds: 40 });
    const tab = w.device().tab({ refreshSkewSeconds: 30 });
    const { user } = await tab.loginWithPassword(ADA);
    w.advance(19);
    expect(await tab.getAccessToken()).toBe(user.accessToken);
    expect(w.count('/refresh')).toBe(0);
    w.advance(2);
    await tab.getAccessToken();
    expect(w.count('/refresh')).toBe(1);
  });

  it('uses a token capped at the session end until its exp', async () => {
    const w = createWorld({ sessionLifetimeSeconds: 600, accessTokenTtlSeconds: 300 });
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(280);
    await tab.getAccessToken();
    w.advance(280); // 560 s: the token is capped at 600 s
    const capped = await tab.getAccessToken();
    const refreshes = w.count('/refresh');
    w.advance(20);
    expect(await tab.getAccessToken()).toBe(capped);
    w.advance(10);
    expect(await tab.getAccessToken()).toBe(capped);
    expect(w.count('/refresh')).toBe(refreshes);
  });

  it('judges expiry in server time', async () => {
    const w = createWorld();
    const device = w.device();
    // This device's clock is ten minutes slow.
    const tab = device.tab({ now: () => w.now() - 600_000 });
    const { user } = await tab.loginWithPassword(ADA);
    w.advance(280);
    expect(await tab.getAccessToken()).not.toBe(user.accessToken);
    expect(w.count('/refresh', 200)).toBe(1);
  });

  it('makes no timers and no background refresh unless asked', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(3_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.count('/refresh')).toBe(0);
  });
});
