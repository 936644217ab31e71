import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/server';
import { createDevice, errorOf, USER } from '../helpers/device';
import { createProofKey } from '../helpers/dpop';
import { createTestServer } from '../helpers/server';
import { bodyOf, claimsOf, coreRefresh, signedIn } from './support';

describe('rule 1: a refresh token is valid once', () => {
  it('answers each refresh with a successor and treats the spent token as reuse', async () => {
    const { device, clock } = await signedIn({ reuseGraceSeconds: 0 });
    const first = device.refreshToken()!;
    expect((await device.refresh()).status).toBe(200);
    const second = device.refreshToken()!;
    expect(second).not.toBe(first);
    clock.advance(1);
    const again = await device.refresh({ headers: { 'X-Refresh-Token': first } });
    expect(await errorOf(again)).toMatchObject({ code: 'token_reused', type: 'unauthorized' });
  });
});

describe('refresh token with a foreign key', () => {
  it('keeps the current token, the session and the cookie on dpop_key_mismatch', async () => {
    const { server, device } = await signedIn();
    const states: string[] = [];
    server.onRequest((e: RequestLogEntry) => {
      if (e.path.endsWith('/refresh') && e.status === 200) states.push(e.refreshToken!.state);
    });
    const response = await coreRefresh(server, device, { key: await createProofKey() });
    expect(response.status).toBe(401);
    expect(bodyOf(response).code).toBe('dpop_key_mismatch');
    expect(response.cookies).toEqual([]);
    expect((await device.list()).status).toBe(200);
    expect((await device.refresh()).status).toBe(200);
    expect(states).toEqual(['current']);
  });

  it('treats a rotated token with a foreign key outside grace as reuse, then refuses the session', async () => {
    const { device, clock } = await signedIn();
    const old = device.refreshToken()!;
    await device.refresh();
    const current = device.refreshToken()!;
    const access = device.accessToken;
    clock.advance(45);
    const thief = await device.refresh({
      headers: { 'X-Refresh-Token': old },
      key: await createProofKey(),
    });
    expect(thief.status).toBe(401);
    expect((await errorOf(thief)).code).toBe('token_reused');
    const owner = await device.refresh({ headers: { 'X-Refresh-Token': current } });
    expect(owner.status).toBe(401);
    expect((await errorOf(owner)).code).toBe('unauthorized');
    const me = await device.list('', { accessToken: access });
    expect(await errorOf(me)).toMatchObject({ code: 'unauthorized', reason: 'reused' });
  });
});

describe('grace', () => {
  async function rotatedOnce(options: Parameters<typeof createTestServer>[0] = {}) {
    const ctx = await signedIn({ refreshTokenTransport: 'both', ...options });
    const predecessor = ctx.device.refreshToken()!;
    expect((await ctx.device.refresh()).status).toBe(200);
    return { ...ctx, predecessor, successor: ctx.device.refreshToken()! };
  }

  it('answers the predecessor 1 ms before the window ends with the same successor', async () => {
    const { device, clock, predecessor, successor } = await rotatedOnce();
    const firstAccess = claimsOf(device.accessToken!);
    clock.set(clock.now() + 29_999);
    const again = await device.refresh({ headers: { 'X-Refresh-Token': predecessor } });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-refresh-token')).toBe(successor);
    const access = claimsOf(device.accessToken!);
    expect(access.jti).not.toBe(firstAccess.jti);
    expect(access.sid).toBe(firstAccess.sid);
  });

  it('treats the predecessor exactly at the window end as reuse and revokes the session', async () => {
    const { device, clock, predecessor, successor } = await rotatedOnce();
    clock.advance(30);
    const late = await device.refresh({ headers: { 'X-Refresh-Token': predecessor } });
    expect((await errorOf(late)).code).toBe('token_reused');
    const current = await device.refresh({ headers: { 'X-Refresh-Token': successor } });
    expect((await errorOf(current)).code).toBe('unauthorized');
  });

  it('does not restart the window on a grace answer', async () => {
    const { device, clock, predecessor } = await rotatedOnce({ reuseGraceSeconds: 10 });
    clock.advance(9);
    expect((await device.refresh({ headers: { 'X-Refresh-Token': predecessor } })).status).toBe(
      200,
    );
    clock.advance(1);
    const late = await device.refresh({ headers: { 'X-Refresh-Token': predecessor } });
    expect((await errorOf(late)).code).toBe('token_reused');
  });

  it('is off with reuseGraceSeconds 0, even at once', async () => {
    const { device, predecessor } = await rotatedOnce({ reuseGraceSeconds: 0 });
    const reuse = await device.refresh({ headers: { 'X-Refresh-Token': predecessor } });
    expect((await errorOf(reuse)).code).toBe('token_reused');
  });

  it('covers only the direct predecessor, even inside the window', async () => {
    const { device, predecessor } = await rotatedOnce();
    expect((await device.refresh()).status).toBe(200);
    const older = await device.refresh({ headers: { 'X-Refresh-Token': predecessor } });
    expect((await errorOf(older)).code).toBe('token_reused');
  });

  it('answers with the session cookie again, Max-Age the remaining lifetime', async () => {
    const { server, device, clock, predecessor, successor } = await rotatedOnce({
      sessionLifetimeSeconds: 1000,
      refreshTokenTransport: 'cookie',
    });
    clock.advance(5);
    const again = await coreRefresh(server, device, { token: predecessor });
    expect(again.status).toBe(200);
    expect(again.cookies).toEqual([
      expect.objectContaining({ name: 'refresh_token', value: successor, maxAge: 995 }),
    ]);
  });
});

describe('rule 3: an ended session answers refresh with unauthorized', () => {
  it('refuses at the absolute end, reason expired, and clears the cookie', async () => {
    const { server, device, clock } = await signedIn({
      sessionLifetimeSeconds: 3600,
      inactivityTimeoutSeconds: null,
    });
    const token = device.refreshToken()!;
    clock.advance(3600);
    const response = await coreRefresh(server, device, { token });
    expect(response.status).toBe(401);
    expect(bodyOf(response)).toMatchObject({ code: 'unauthorized', reason: 'expired' });
    expect(response.cookies[0]).toMatchObject({ name: 'refresh_token', value: '', maxAge: 0 });
  });
});

describe('rule 4: revocation takes effect at once', () => {
  it('ends other devices on target=others: their refresh and access tokens fail at once', async () => {
    const { server, device } = await signedIn();
    const phone = await createDevice(server);
    await phone.login();
    expect((await device.revoke('?target=others')).status).toBe(204);
    const list = await phone.list();
    expect(await errorOf(list)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
    const refresh = await phone.refresh();
    expect(await errorOf(refresh)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
    expect((await device.list()).status).toBe(200);
  });

  it('ends the session on logout: its access token fails on /me/* at once', async () => {
    const { device } = await signedIn();
    const access = device.accessToken;
    expect((await device.logout()).status).toBe(204);
    const me = await device.list('', { accessToken: access });
    expect(me.status).toBe(401);
    expect((await errorOf(me)).code).toBe('unauthorized');
  });

  it('ends every session of a user on a backend revocation', async () => {
    const { server, device } = await signedIn();
    expect(await server.admin.revokeUserSessions('usr_ada')).toBe(1);
    expect((await errorOf(await device.list())).code).toBe('unauthorized');
    expect((await errorOf(await device.refresh())).code).toBe('unauthorized');
  });
});

describe('/revoke (logout)', () => {
  it('answers 204 and clears the cookie for the current token', async () => {
    const { server, device } = await signedIn();
    const response = await coreRefresh(server, device, { path: '/revoke' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(response.cookies[0]).toMatchObject({ name: 'refresh_token', value: '', maxAge: 0 });
    expect((await errorOf(await device.refresh())).code).toBe('unauthorized');
  });

  it('answers 401 dpop_key_mismatch for the current token with a foreign key, keeping the session', async () => {
    const { server, device } = await signedIn();
    const response = await coreRefresh(server, device, {
      path: '/revoke',
      key: await createProofKey(),
    });
    expect(response.status).toBe(401);
    expect(bodyOf(response).code).toBe('dpop_key_mismatch');
    expect((await device.refresh()).status).toBe(200);
  });

  it('revokes the session for a rotated token with any key, with 204', async () => {
    const { server, device, clock } = await signedIn();
    const old = device.refreshToken()!;
    await device.refresh();
    clock.advance(40);
    const response = await coreRefresh(server, device, {
      path: '/revoke',
      token: old,
      key: await createProofKey(),
    });
    expect(response.status).toBe(204);
    expect((await device.refresh()).status).toBe(401);
  });

  it('answers 204 and clears the cookie for an unknown, an expired, a revoked or no token', async () => {
    const { server, device, clock } = await signedIn({ sessionLifetimeSeconds: 100 });
    const expired = device.refreshToken()!;
    const tokens: Array<string | undefined> = ['unknown-token', undefined];
    const other = await createDevice(server);
    await other.login();
    const revoked = other.refreshToken()!;
    await other.logout();
    tokens.push(revoked);
    clock.advance(100);
    tokens.push(expired);
    for (const token of tokens) {
      const response = await coreRefresh(server, device, {
        path: '/revoke',
        ...(token ? { token } : {}),
      });
      expect(response.status).toBe(204);
      expect(response.cookies[0]).toMatchObject({ value: '', maxAge: 0 });
    }
  });
});

describe('finalize ends the older session of the browser', () => {
  async function passwordStep(device: Awaited<ReturnType<typeof createDevice>>) {
    const step = await device.send('/login/email/password', { body: USER, proof: false });
    return ((await step.json()) as { challenge_token: string }).challenge_token;
  }

  it('ends the session whose token comes in X-Refresh-Token (header mode)', async () => {
    const { server } = createTestServer({ refreshTokenTransport: 'header' });
    const device = await createDevice(server);
    const first = await device.send('/login/finalize', {
      body: { challenge_token: await passwordStep(device) },
    });
    const token = first.headers.get('x-refresh-token')!;
    const second = await device.send('/login/finalize', {
      body: { challenge_token: await passwordStep(device) },
      headers: { 'X-Refresh-Token': token },
    });
    expect(second.status).toBe(200);
    expect((await server.admin.listUserSessions('usr_ada')).length).toBe(1);
    const old = await device.refresh({ headers: { 'X-Refresh-Token': token } });
    expect(await errorOf(old)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });

  it('leaves the older session alone when the finalize fails', async () => {
    const { server, device, sessionId } = await signedIn();
    const failed = await device.send('/login/finalize', {
      body: { challenge_token: 'A'.repeat(43) },
    });
    expect(failed.status).toBe(401);
    const sessions = await server.admin.listUserSessions('usr_ada');
    expect(sessions.map((s) => s.id)).toEqual([sessionId]);
    expect((await device.refresh()).status).toBe(200);
  });

  it("never ends another user's session: a stolen refresh token alone cannot", async () => {
    const { server, device, sessionId } = await signedIn();
    const stolen = device.refreshToken()!;
    const thief = await createDevice(server);
    const step = await thief.send('/login/email/password', {
      body: { identifier: 'bob@example.com', password: 'hunter2' },
      proof: false,
    });
    const { challenge_token } = (await step.json()) as { challenge_token: string };
    const finalize = await thief.send('/login/finalize', {
      body: { challenge_token },
      headers: { 'X-Refresh-Token': stolen },
    });
    expect(finalize.status).toBe(200);
    expect(await server.admin.isSessionActive(sessionId)).toBe(true);
    expect((await device.refresh()).status).toBe(200);
  });

  it('ends the older session also when the browser holds its rotated token', async () => {
    const { server, device, clock } = await signedIn();
    const old = device.refreshToken()!;
    await device.refresh();
    clock.advance(60);
    device.bridge.clearCookies();
    const finalize = await device.send('/login/finalize', {
      body: { challenge_token: await passwordStep(device) },
      headers: { 'X-Refresh-Token': old },
    });
    expect(finalize.status).toBe(200);
    expect((await server.admin.listUserSessions('usr_ada')).length).toBe(1);
  });
});
