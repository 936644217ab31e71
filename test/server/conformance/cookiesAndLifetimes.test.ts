import { describe, expect, it } from 'vitest';
import { createDevice, errorOf } from '../helpers/device';
import { createProofKey } from '../helpers/dpop';
import { createTestServer } from '../helpers/server';
import { bodyOf, claimsOf, coreRefresh, proofFor, raw, signedIn } from './support';

const DAY = 24 * 60 * 60;

type View = { id: string; created_at: string; last_seen_at: string; expires_at: string };
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('refresh cookie', () => {
  it('is set with Max-Age the remaining absolute lifetime, 30 days by default', async () => {
    const { server, device, clock } = await signedIn();
    const login = await coreRefresh(server, device);
    expect(login.cookies[0]).toMatchObject({ name: 'refresh_token', maxAge: 30 * DAY });
    clock.advance(DAY + 0.5);
    device.bridge.clearCookies();
    const later = await coreRefresh(server, device, { token: login.cookies[0]!.value });
    expect(later.status).toBe(200);
    expect(later.cookies[0]!.maxAge).toBe(29 * DAY - 1);
  });

  it('reads and writes the cookie under cookieName only', async () => {
    const { server, device } = await signedIn({ cookieName: 'rt' });
    const token = device.refreshToken();
    expect(token).toBeUndefined();
    const [cookie] = device.bridge.cookies();
    expect(cookie!.name).toBe('rt');
    const wrongName = await coreRefresh(server, device, { token: cookie!.value });
    expect(bodyOf(wrongName).code).toBe('unauthorized');
    expect(wrongName.cookies[0]).toMatchObject({ name: 'rt', maxAge: 0 });
    const rightName = await raw(server, {
      method: 'POST',
      path: '/v1/session/refresh',
      headers: {
        DPoP: await proofFor(server, device.key, '/refresh'),
        Cookie: `rt=${cookie!.value}`,
      },
    });
    expect(rightName.status).toBe(200);
    expect(rightName.cookies[0]!.name).toBe('rt');
  });

  it('is cleared on unauthorized and token_reused', async () => {
    const { server, device, clock } = await signedIn();
    const unknown = await coreRefresh(server, device, { token: 'nope' });
    expect(unknown.cookies[0]).toMatchObject({ value: '', maxAge: 0, path: '/v1/session' });
    const old = device.refreshToken()!;
    await device.refresh();
    clock.advance(31);
    const reused = await coreRefresh(server, device, { token: old });
    expect(bodyOf(reused).code).toBe('token_reused');
    expect(reused.cookies[0]).toMatchObject({ value: '', maxAge: 0, path: '/v1/session' });
  });

  it('is kept when the proof, the nonce or the rate limit fails', async () => {
    const { server, device } = await signedIn({ rateLimit: { refresh: { max: 1 } } });
    const token = device.refreshToken()!;
    const noProof = await raw(server, {
      method: 'POST',
      path: '/v1/session/refresh',
      headers: { Cookie: `refresh_token=${token}` },
    });
    expect(noProof.status).toBe(400);
    expect(noProof.cookies).toEqual([]);
    expect((await device.refresh()).status).toBe(200);
    const limited = await coreRefresh(server, device);
    expect(limited.status).toBe(429);
    expect(limited.cookies).toEqual([]);
  });

  it.each([
    ['mine', true],
    ['all', true],
    ['others', false],
  ])('on /me/revoke?target=%s is cleared: %s', async (target, cleared) => {
    const { server, device } = await signedIn();
    const other = await createDevice(server);
    await other.login();
    const response = await raw(server, {
      method: 'POST',
      path: `/v1/session/me/revoke?target=${target}`,
      headers: {
        Authorization: `DPoP ${device.accessToken}`,
        DPoP: await proofFor(server, device.key, '/me/revoke', {
          accessToken: device.accessToken!,
        }),
      },
    });
    expect(response.status).toBe(204);
    if (cleared) expect(response.cookies[0]).toMatchObject({ maxAge: 0, value: '' });
    else expect(response.cookies).toEqual([]);
  });

  it('on /me/revoke?target=session is cleared for the caller own id only', async () => {
    const { server, device, sessionId } = await signedIn();
    const other = await createDevice(server);
    const { sessionId: otherId } = await other.login();
    const revoke = async (id: string) =>
      raw(server, {
        method: 'POST',
        path: `/v1/session/me/revoke?target=session&session_id=${id}`,
        headers: {
          Authorization: `DPoP ${device.accessToken}`,
          DPoP: await proofFor(server, device.key, '/me/revoke', {
            accessToken: device.accessToken!,
          }),
        },
      });
    const others = await revoke(otherId);
    expect(others.status).toBe(204);
    expect(others.cookies).toEqual([]);
    const own = await revoke(sessionId);
    expect(own.status).toBe(204);
    expect(own.cookies[0]).toMatchObject({ maxAge: 0, value: '' });
  });
});

describe('header mode', () => {
  it('never sets a cookie and gives X-Refresh-Token-Expires-At as the absolute end in Unix seconds', async () => {
    const { server, clock } = createTestServer({
      refreshTokenTransport: 'header',
      sessionLifetimeSeconds: 5000,
    });
    const start = Math.floor(server.now() / 1000);
    const device = await createDevice(server);
    await device.login();
    expect(device.bridge.cookies()).toEqual([]);
    const step = await raw(server, {
      method: 'POST',
      path: '/v1/session/login/email/password',
      body: JSON.stringify({ identifier: 'ada@example.com', password: 'correct horse' }),
    });
    const { challenge_token } = JSON.parse(step.body!) as { challenge_token: string };
    const finalize = await raw(server, {
      method: 'POST',
      path: '/v1/session/login/finalize',
      headers: { DPoP: await proofFor(server, device.key, '/login/finalize') },
      body: JSON.stringify({ challenge_token }),
    });
    expect(finalize.cookies).toEqual([]);
    const token = finalize.headers['X-Refresh-Token']!;
    expect(finalize.headers['X-Refresh-Token-Expires-At']).toBe(String(start + 5000));
    clock.advance(100);
    const refreshed = await raw(server, {
      method: 'POST',
      path: '/v1/session/refresh',
      headers: { DPoP: await proofFor(server, device.key, '/refresh'), 'X-Refresh-Token': token },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.cookies).toEqual([]);
    expect(refreshed.headers['X-Refresh-Token-Expires-At']).toBe(String(start + 5000));
    const unknown = await raw(server, {
      method: 'POST',
      path: '/v1/session/refresh',
      headers: { DPoP: await proofFor(server, device.key, '/refresh'), 'X-Refresh-Token': 'x' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.cookies).toEqual([]);
  });

  it('accepts a cookie on input in header mode and X-Refresh-Token in cookie mode', async () => {
    const header = await signedIn({ refreshTokenTransport: 'header' });
    const refreshed = await header.device.refresh({ headers: { 'X-Refresh-Token': 'unknown' } });
    expect(refreshed.status).toBe(401);
    const first = await header.device.send('/login/email/password', {
      body: { identifier: 'ada@example.com', password: 'correct horse' },
      proof: false,
    });
    const { challenge_token } = (await first.json()) as { challenge_token: string };
    const finalize = await header.device.send('/login/finalize', { body: { challenge_token } });
    const token = finalize.headers.get('x-refresh-token')!;
    const viaCookie = await header.device.refresh({
      headers: { Cookie: `refresh_token=${token}` },
    });
    expect(viaCookie.status).toBe(200);

    const cookieMode = await signedIn();
    const cookieToken = cookieMode.device.refreshToken()!;
    cookieMode.device.bridge.clearCookies();
    const viaHeader = await cookieMode.device.refresh({
      headers: { 'X-Refresh-Token': cookieToken },
    });
    expect(viaHeader.status).toBe(200);
    expect(cookieMode.device.refreshToken()).toBeTruthy();
  });

  it('lets X-Refresh-Token win over the cookie in both mode', async () => {
    const { device } = await signedIn({ refreshTokenTransport: 'both' });
    const cookieToken = device.refreshToken()!;
    const response = await device.refresh({ headers: { 'X-Refresh-Token': 'unknown-token' } });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthorized');
    device.bridge.clearCookies();
    const again = await device.refresh({ headers: { 'X-Refresh-Token': cookieToken } });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-refresh-token')).toBe(device.refreshToken());
  });
});

describe('lifetimes', () => {
  it('defaults to 300 s access tokens, expires_at being their exp', async () => {
    const { device } = await signedIn();
    const response = await device.refresh();
    const { access_token, expires_at } = (await response.json()) as {
      access_token: string;
      expires_at: number;
    };
    const claims = claimsOf(access_token);
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(expires_at).toBe(claims.exp);
    expect(Number.isInteger(expires_at)).toBe(true);
  });

  it('defaults to a 7-day inactivity timeout: over exactly at last activity + 7 days', async () => {
    const { server, device, clock } = await signedIn();
    const created = server.now();
    const [view] = (await server.admin.listUserSessions('usr_ada')) as View[];
    expect(view!.expires_at).toBe(iso(created + 7 * DAY * 1000));
    const token = device.refreshToken()!;
    clock.advance(7 * DAY - 1);
    expect((await device.refresh({ headers: { 'X-Refresh-Token': token } })).status).toBe(200);
    const next = device.refreshToken()!;
    clock.advance(7 * DAY);
    const late = await device.refresh({ headers: { 'X-Refresh-Token': next } });
    expect(await errorOf(late)).toMatchObject({ code: 'unauthorized', reason: 'expired' });
  });

  it('ends a session exactly at its 30-day absolute end, refreshes notwithstanding', async () => {
    const { device, clock } = await signedIn();
    for (let day = 0; day < 29; day += 1) {
      clock.advance(DAY);
      expect((await device.refresh()).status).toBe(200);
    }
    clock.advance(DAY - 100);
    expect((await device.refresh()).status).toBe(200);
    const token = device.refreshToken()!;
    const claims = claimsOf(device.accessToken!);
    expect(claims.exp! - claims.iat!).toBe(100);
    clock.advance(100);
    const over = await device.refresh({ headers: { 'X-Refresh-Token': token } });
    expect(await errorOf(over)).toMatchObject({ code: 'unauthorized', reason: 'expired' });
  });

  it('records finalize and refresh as activity in last_seen_at', async () => {
    const { server, device, clock } = await signedIn();
    const signedInAt = server.now();
    let [view] = (await server.admin.listUserSessions('usr_ada')) as View[];
    expect(view!.last_seen_at).toBe(iso(signedInAt));
    expect(view!.created_at).toBe(iso(signedInAt));
    clock.advance(120);
    await device.refresh();
    [view] = (await server.admin.listUserSessions('usr_ada')) as View[];
    expect(view!.last_seen_at).toBe(iso(signedInAt + 120_000));
    expect(view!.created_at).toBe(iso(signedInAt));
  });

  it('refuses a foreign-key refresh without counting it as activity', async () => {
    const { server, device, clock } = await signedIn();
    const before = (await server.admin.listUserSessions('usr_ada'))[0]!.last_seen_at;
    clock.advance(60);
    await device.refresh({ key: await createProofKey() });
    expect((await server.admin.listUserSessions('usr_ada'))[0]!.last_seen_at).toBe(before);
  });
});
