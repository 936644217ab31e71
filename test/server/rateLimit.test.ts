import { describe, expect, it, vi } from 'vitest';
import { createDevice, errorOf, USER } from './helpers/device';
import { createTestServer } from './helpers/server';

const jwks = (remoteAddress: string, headers: Record<string, string> = {}) => ({
  method: 'GET',
  url: 'http://localhost/.well-known/jwks.json',
  headers: new Headers(headers),
  remoteAddress,
});

describe('rate limits', () => {
  it('limits each client address, with Retry-After to the window end', async () => {
    const { server, clock } = createTestServer({
      rateLimit: { address: { max: 3, windowSeconds: 60 } },
    });
    for (let i = 0; i < 3; i += 1) expect((await server.handle(jwks('10.0.0.1'))).status).toBe(200);
    clock.advance(20);
    const limited = await server.handle(jwks('10.0.0.1'));
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body!)).toMatchObject({ code: 'rate_limited', type: 'rate_limited' });
    expect(limited.headers['Retry-After']).toBe('40');
    expect((await server.handle(jwks('10.0.0.2'))).status).toBe(200);
    clock.advance(40);
    expect((await server.handle(jwks('10.0.0.1'))).status).toBe(200);
  });

  it('defaults to 600 requests a minute per address', async () => {
    const { server } = createTestServer({ rateLimit: true });
    for (let i = 0; i < 600; i += 1) await server.handle(jwks('10.0.0.9'));
    expect((await server.handle(jwks('10.0.0.9'))).status).toBe(429);
  });

  it('takes the address from X-Forwarded-For only with trustProxy', async () => {
    const limits = { rateLimit: { address: { max: 1 } } };
    const trusted = createTestServer({ ...limits, trustProxy: true }).server;
    expect((await trusted.handle(jwks('10.0.0.1', { 'X-Forwarded-For': '1.1.1.1' }))).status).toBe(
      200,
    );
    expect((await trusted.handle(jwks('10.0.0.1', { 'X-Forwarded-For': '2.2.2.2' }))).status).toBe(
      200,
    );
    const untrusted = createTestServer(limits).server;
    expect(
      (await untrusted.handle(jwks('10.0.0.1', { 'X-Forwarded-For': '1.1.1.1' }))).status,
    ).toBe(200);
    expect(
      (await untrusted.handle(jwks('10.0.0.1', { 'X-Forwarded-For': '2.2.2.2' }))).status,
    ).toBe(429);
  });

  it('limits fetch() requests by the address passed with them', async () => {
    const { server } = createTestServer({ rateLimit: { address: { max: 1 } } });
    const request = () => new Request('http://localhost/.well-known/jwks.json');
    expect((await server.fetch(request(), { remoteAddress: '10.0.0.1' })).status).toBe(200);
    expect((await server.fetch(request(), { remoteAddress: '10.0.0.1' })).status).toBe(429);
    expect((await server.fetch(request(), { remoteAddress: '10.0.0.2' })).status).toBe(200);
  });

  it('never puts clients without an address in one shared bucket, and warns once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { server } = createTestServer({ rateLimit: { address: { max: 1 } } });
      for (let i = 0; i < 3; i += 1) {
        const res = await server.fetch(new Request('http://localhost/.well-known/jwks.json'));
        expect(res.status).toBe(200);
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/remoteAddress/);
    } finally {
      warn.mockRestore();
    }
  });

  it('blocks an identifier after 10 failed passwords in 5 minutes, even with the right one', async () => {
    const { server, clock } = createTestServer({ rateLimit: true });
    const device = await createDevice(server);
    const attempt = (password: string, identifier = USER.identifier) =>
      device.send('/login/email/password', { body: { identifier, password }, proof: false });
    for (let i = 0; i < 10; i += 1) expect((await attempt('wrong')).status).toBe(401);
    clock.advance(60);
    const blocked = await attempt(USER.password, ' ADA@example.com');
    expect(blocked.status).toBe(429);
    expect((await errorOf(blocked)).code).toBe('rate_limited');
    expect(blocked.headers.get('retry-after')).toBe('240');
    expect((await attempt('hunter2', 'bob@example.com')).status).toBe(200);
    clock.advance(240);
    expect((await attempt(USER.password)).status).toBe(200);
  });

  it('counts parallel password guesses too: at most 10 are checked', async () => {
    const { server } = createTestServer({ rateLimit: true });
    const device = await createDevice(server);
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        device.send('/login/email/password', {
          body: { identifier: USER.identifier, password: `guess-${i}` },
          proof: false,
        }),
      ),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  it('does not count right passwords as failures', async () => {
    const { server } = createTestServer({ rateLimit: true });
    const device = await createDevice(server);
    const attempt = (password: string) =>
      device.send('/login/email/password', {
        body: { identifier: USER.identifier, password },
        proof: false,
      });
    for (let i = 0; i < 9; i += 1) expect((await attempt('wrong')).status).toBe(401);
    expect((await attempt(USER.password)).status).toBe(200);
    expect((await attempt(USER.password)).status).toBe(200);
    // Nine failures and two successes: the tenth failure is still checked, then the limit holds.
    expect((await attempt('wrong')).status).toBe(401);
    expect((await attempt(USER.password)).status).toBe(429);
  });

  it('limits refreshes per session without spending the refresh token', async () => {
    const { server } = createTestServer({ rateLimit: { refresh: { max: 2 } } });
    const device = await createDevice(server);
    await device.login();
    expect((await device.refresh()).status).toBe(200);
    expect((await device.refresh()).status).toBe(200);
    const token = device.refreshToken();
    const limited = await device.refresh();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(device.refreshToken()).toBe(token);
    const other = await createDevice(server);
    await other.login();
    expect((await other.refresh()).status).toBe(200);
  });

  it('checks the address limit before the proof', async () => {
    const { server } = createTestServer({ rateLimit: { address: { max: 0 } } });
    const device = await createDevice(server);
    const response = await device.refresh({ proof: false });
    expect((await errorOf(response)).code).toBe('rate_limited');
  });

  it('is off with rateLimit: false', async () => {
    const { server } = createTestServer({ rateLimit: false });
    for (let i = 0; i < 700; i += 1) await server.handle(jwks('10.0.0.1'));
    expect((await server.handle(jwks('10.0.0.1'))).status).toBe(200);
  });
});
