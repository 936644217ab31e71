import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDevice, errorOf } from './helpers/device';
import { createTestServer } from './helpers/server';

describe('session lifetimes', () => {
  it('ends a session at its absolute lifetime, whatever the activity', async () => {
    const { server, clock } = createTestServer({
      sessionLifetimeSeconds: 1000,
      inactivityTimeoutSeconds: null,
    });
    const device = await createDevice(server);
    await device.login();
    clock.advance(600);
    expect((await device.refresh()).status).toBe(200);
    clock.advance(399);
    expect((await device.refresh()).status).toBe(200);
    const token = device.refreshToken()!;
    clock.advance(1);
    // The browser drops the cookie at its Max-Age; a header-mode client could still send it.
    expect(device.refreshToken()).toBeUndefined();
    const ended = await device.refresh({ headers: { 'X-Refresh-Token': token } });
    expect(await errorOf(ended)).toMatchObject({ code: 'unauthorized', reason: 'expired' });
  });

  it('never answers its last fraction of a second with a token that expires as it is issued', async () => {
    const { server, clock } = createTestServer({
      sessionLifetimeSeconds: 1000,
      inactivityTimeoutSeconds: null,
    });
    const device = await createDevice(server);
    clock.advance(0.3);
    await device.login();
    // 0.2 s of the session are left, within the second its end falls in.
    clock.advance(999.8);
    const last = await device.refresh({ headers: { 'X-Refresh-Token': device.refreshToken()! } });
    if (last.status === 200) {
      const { iat, exp } = decodeJwt(
        ((await last.json()) as { access_token: string }).access_token,
      );
      expect(exp!).toBeGreaterThan(iat!);
    } else expect(await errorOf(last)).toMatchObject({ code: 'unauthorized', reason: 'expired' });
  });

  it('ends a session after the inactivity timeout, counted from the last refresh', async () => {
    const { server, clock } = createTestServer({ inactivityTimeoutSeconds: 100 });
    const device = await createDevice(server);
    await device.login();
    clock.advance(99);
    expect((await device.refresh()).status).toBe(200);
    clock.advance(99);
    expect((await device.refresh()).status).toBe(200);
    clock.advance(100);
    expect(await errorOf(await device.refresh())).toMatchObject({
      code: 'unauthorized',
      reason: 'expired',
    });
  });

  it('counts only refreshes as activity, not /me calls', async () => {
    const { server, clock } = createTestServer({
      inactivityTimeoutSeconds: 100,
      accessTokenTtlSeconds: 300,
    });
    const device = await createDevice(server);
    await device.login();
    clock.advance(60);
    expect((await device.list()).status).toBe(200);
    clock.advance(40);
    expect((await device.list()).status).toBe(401);
    expect(await errorOf(await device.refresh())).toMatchObject({ reason: 'expired' });
  });

  it('keeps sessions alive without inactivity timeout', async () => {
    const { server, clock } = createTestServer({ inactivityTimeoutSeconds: null });
    const device = await createDevice(server);
    await device.login();
    clock.advance(20 * 24 * 3600);
    expect((await device.refresh()).status).toBe(200);
  });

  it('caps the access token exp at the session end', async () => {
    const { server, clock } = createTestServer({
      sessionLifetimeSeconds: 1000,
      accessTokenTtlSeconds: 300,
    });
    const device = await createDevice(server);
    await device.login();
    expect(decodeJwt(device.accessToken!).exp).toBe(Math.floor(server.now() / 1000) + 300);
    clock.advance(900);
    const response = await device.refresh();
    const { expires_at } = (await response.json()) as { expires_at: number };
    const claims = decodeJwt(device.accessToken!);
    const end = Math.floor(server.now() / 1000) + 100;
    expect(claims.exp).toBe(end);
    expect(expires_at).toBe(end);
  });

  it('caps the access token exp at the inactivity end', async () => {
    const { server } = createTestServer({
      inactivityTimeoutSeconds: 60,
      accessTokenTtlSeconds: 300,
    });
    const device = await createDevice(server);
    await device.login();
    expect(decodeJwt(device.accessToken!).exp).toBe(Math.floor(server.now() / 1000) + 60);
  });

  it('reports expires_at as the earlier of absolute end and inactivity end', async () => {
    const { server, clock } = createTestServer({
      sessionLifetimeSeconds: 1000,
      inactivityTimeoutSeconds: 300,
    });
    const device = await createDevice(server);
    await device.login();
    const start = server.now();
    const view = async () =>
      ((await (await device.list()).json()) as { sessions: Array<{ expires_at: string }> })
        .sessions[0]!;
    expect(Date.parse((await view()).expires_at)).toBe(start + 300_000);
    clock.advance(250);
    await device.refresh();
    expect(Date.parse((await view()).expires_at)).toBe(start + 550_000);
    clock.advance(250);
    await device.refresh();
    clock.advance(250);
    await device.refresh();
    expect(Date.parse((await view()).expires_at)).toBe(start + 1000_000);
  });

  it('expires challenge tokens after 300 s', async () => {
    const { server, clock } = createTestServer();
    const device = await createDevice(server);
    const step = await device.send('/login/email/password', {
      body: { identifier: 'ada@example.com', password: 'correct horse' },
      proof: false,
    });
    const { challenge_token } = (await step.json()) as { challenge_token: string };
    clock.advance(300);
    const finalize = await device.send('/login/finalize', { body: { challenge_token } });
    expect(finalize.status).toBe(401);
    expect((await errorOf(finalize)).code).toBe('unauthorized');
  });
});
