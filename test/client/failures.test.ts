import { describe, expect, it, vi } from 'vitest';
import { NetworkError, RateLimitedError, ServerError, type SessionError } from '../../src/client';
import { ADA, createWorld } from './helpers/world';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as SessionError,
  );

describe('failed refreshes', () => {
  it('keeps the session through a 5xx and backs off in every tab', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    w.advance(300);
    w.server.faults.add({ path: '/refresh', status: 503 });
    const error = await failure(a.refresh());
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'server_error', status: 503, retryable: true });
    // Another tab fails fast with the same typed error instead of piling on.
    expect(await failure(b.refresh())).toMatchObject({ code: 'server_error', status: 503 });
    expect(w.count('/refresh')).toBe(1);
    expect(a.getSnapshot().status).toBe('authenticated');
    w.advance(60);
    await expect(b.refresh()).resolves.toBeTruthy();
    expect(w.count('/refresh', 200)).toBe(1);
  });

  it('shows an error state, not a sign-out, when a restore fails, and recovers later', async () => {
    const w = createWorld();
    const device = w.device();
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    const tab = device.tab();
    w.server.faults.add({ path: '/refresh', status: 503 });
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'server_error' });
    expect(tab.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'server_error' } });
    w.advance(60);
    await tab.refresh();
    expect(tab.getSnapshot().status).toBe('authenticated');
  });

  it('maps any 5xx body to ServerError', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab({
      fetch: async (input, init) => {
        const res = await device.bridge.fetch(input, init);
        return String(input).endsWith('/refresh')
          ? new Response('<html>oops</html>', { status: 502 })
          : res;
      },
    });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    expect(await failure(tab.refresh())).toMatchObject({ code: 'server_error', status: 502 });
  });

  it('honours Retry-After on 429 and keeps the session', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(300);
    w.server.faults.add({ path: '/refresh', status: 429, retryAfterSeconds: 20 });
    const error = await failure(tab.refresh());
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 20 });
    w.advance(10);
    expect(await failure(tab.refresh())).toMatchObject({ code: 'rate_limited' });
    expect(w.count('/refresh')).toBe(1);
    w.advance(11);
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(tab.getSnapshot().status).toBe('authenticated');
  });

  it('recovers a lost refresh answer with one immediate retry inside grace', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(300);
    w.server.faults.add({ path: '/refresh', dropResponse: true });
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(
      w.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.refreshToken?.state),
    ).toEqual(['current', 'grace']);
    w.advance(300);
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(tab.getSnapshot().status).toBe('authenticated');
  });

  it('times a slow refresh out and retries it once', async () => {
    const w = createWorld();
    const tab = w.device().tab({ refreshTimeoutMs: 1_500 });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    w.server.faults.add({ path: '/refresh', latencyMs: 6_000 });
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(w.count('/refresh')).toBeGreaterThanOrEqual(1);
    expect(w.log.filter((e) => e.refreshToken?.state === 'rotated')).toHaveLength(0);
  });

  it('gives a NetworkError after the retry also fails, and keeps the session', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(300);
    w.server.faults.add({ path: '/refresh', dropResponse: true, times: 2 });
    const error = await failure(tab.refresh());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network_error', retryable: true });
    expect(tab.getSnapshot().status).toBe('authenticated');
  });

  it('makes no refresh attempt offline, then one coalesced check on online', async () => {
    const w = createWorld();
    let online = true;
    const win = new EventTarget();
    const device = w.device();
    const tab = device.tab({ environment: { onLine: () => online, window: win } });
    await tab.loginWithPassword(ADA);
    online = false;
    w.advance(300);
    const errors = await Promise.all([failure(tab.getAccessToken()), failure(tab.refresh())]);
    expect(errors.map((e) => e?.code)).toEqual(['network_error', 'network_error']);
    expect(w.count('/refresh')).toBe(0);
    expect(tab.getSnapshot().status).toBe('authenticated');
    online = true;
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(new Event('pageshow'));
    await vi.waitFor(() => expect(w.count('/refresh', 200)).toBe(1));
    expect(tab.getSnapshot().user?.expiresAt.getTime()).toBeGreaterThan(w.now());
  });

  it('runs one coalesced check on visibilitychange', async () => {
    const w = createWorld();
    const win = new EventTarget();
    const tab = w.device().tab({ environment: { window: win } });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    win.dispatchEvent(new Event('visibilitychange'));
    win.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(w.count('/refresh', 200)).toBe(1));
  });
});

describe('ended sessions', () => {
  it('signs every tab out with "reused" on token_reused', async () => {
    // Without grace, the immediate retry after a lost answer presents a spent token.
    const w = createWorld({ reuseGraceSeconds: 0 });
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    w.advance(300);
    w.server.faults.add({ path: '/refresh', dropResponse: true });
    const error = await failure(a.refresh());
    expect(error).toMatchObject({ code: 'token_reused' });
    expect(a.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'reused' });
    await vi.waitFor(() =>
      expect(b.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'reused' }),
    );
  });

  it('signs out with the server reason on unauthorized', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    await w.server.admin.revokeUserSessions('usr_ada');
    w.advance(300);
    expect(await failure(tab.refresh())).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' });
  });

  it('signs out with "expired" when the session ran out', async () => {
    const w = createWorld({ sessionLifetimeSeconds: 200 });
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(400);
    expect(await failure(tab.refresh())).toMatchObject({ code: 'unauthorized', reason: 'expired' });
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'expired' });
  });

  it('signs out when /me answers unauthorized for a revoked session', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    await w.server.admin.revokeUserSessions('usr_ada');
    expect(await failure(tab.listSessions())).toMatchObject({
      code: 'unauthorized',
      reason: 'revoked',
    });
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' });
  });
});
