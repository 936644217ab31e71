import { describe, expect, it } from 'vitest';
import { createDevice, errorOf } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { bodyOf, raw, signedIn } from './support';

const APP = 'https://app.example.com';
const split = (value: string | undefined) =>
  (value ?? '').split(',').map((part) => part.trim().toLowerCase());

describe('CORS', () => {
  it('answers an allowed origin with its exact origin and credentials, on errors too', async () => {
    const { server } = createTestServer({ allowedOrigins: [APP] });
    for (const response of [
      await raw(server, { path: '/v1/session/me/list', headers: { Origin: APP } }),
      await raw(server, { path: '/v1/session/nope', headers: { Origin: APP } }),
      await raw(server, { method: 'POST', path: '/v1/session/refresh', headers: { Origin: APP } }),
    ]) {
      expect(response.headers['Access-Control-Allow-Origin']).toBe(APP);
      expect(response.headers['Access-Control-Allow-Credentials']).toBe('true');
      expect(split(response.headers['Access-Control-Expose-Headers'])).toEqual(
        expect.arrayContaining([
          'dpop-nonce',
          'www-authenticate',
          'date',
          'retry-after',
          'x-refresh-token',
          'x-refresh-token-expires-at',
        ]),
      );
    }
  });

  it.each([
    'https://evil.example',
    'https://app.example.com.evil.example',
    'https://app.example.com:8443',
    'http://app.example.com',
    'https://APP.example.com',
    'https://app.example.com/',
  ])('matches origins exactly: %s gets no CORS headers', async (origin) => {
    const { server } = createTestServer({ allowedOrigins: [APP] });
    const response = await raw(server, {
      path: '/v1/session/me/list',
      headers: { Origin: origin },
    });
    expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
    expect(response.headers.Vary).toMatch(/\bOrigin\b/);
  });

  it.each(['null', '*'])('refuses to be configured with the %s origin', (origin) => {
    expect(() => createTestServer({ allowedOrigins: [origin, APP] })).toThrow(TypeError);
  });

  it('never allows a request from the null origin', async () => {
    const { server } = createTestServer({ allowedOrigins: [APP] });
    const response = await raw(server, {
      path: '/v1/session/me/list',
      headers: { Origin: 'null' },
    });
    expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
  });

  it('answers an allowed preflight with 204, the five request headers and credentials', async () => {
    const { server } = createTestServer({ allowedOrigins: [APP] });
    const response = await raw(server, {
      method: 'OPTIONS',
      path: '/v1/session/me/revoke',
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'dpop, authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(response.headers['Access-Control-Allow-Origin']).toBe(APP);
    expect(response.headers['Access-Control-Allow-Credentials']).toBe('true');
    expect(split(response.headers['Access-Control-Allow-Headers'])).toEqual(
      expect.arrayContaining([
        'dpop',
        'authorization',
        'content-type',
        'x-refresh-token',
        'x-sdk-user-agent',
      ]),
    );
    expect(split(response.headers['Access-Control-Allow-Methods'])).toContain('post');
  });

  it('answers a disallowed preflight with 204 and no CORS headers at all', async () => {
    const { server } = createTestServer({ allowedOrigins: [APP] });
    const response = await raw(server, {
      method: 'OPTIONS',
      path: '/v1/session/refresh',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(204);
    const cors = Object.keys(response.headers).filter((name) =>
      name.toLowerCase().startsWith('access-control-'),
    );
    expect(cors).toEqual([]);
  });
});

describe('rate limits', () => {
  it('allows 60 refreshes per session a minute by default, then 429 without spending the token', async () => {
    const { device, clock } = await signedIn({ rateLimit: true });
    for (let i = 0; i < 60; i += 1) expect((await device.refresh()).status).toBe(200);
    const token = device.refreshToken();
    const limited = await device.refresh();
    expect(limited.status).toBe(429);
    expect(await errorOf(limited)).toMatchObject({ code: 'rate_limited', type: 'rate_limited' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(device.refreshToken()).toBe(token);
    clock.advance(Number(limited.headers.get('retry-after')));
    expect((await device.refresh()).status).toBe(200);
  });

  it('gives Retry-After as the whole seconds to the end of the window', async () => {
    const { server, clock } = createTestServer({
      rateLimit: { address: { max: 1, windowSeconds: 60 } },
    });
    expect((await raw(server, { path: '/.well-known/jwks.json' })).status).toBe(200);
    clock.set(clock.now() + 20_500);
    const limited = await raw(server, { path: '/.well-known/jwks.json' });
    expect(limited.status).toBe(429);
    expect(limited.headers['Retry-After']).toBe('40');
    expect(bodyOf(limited)).toMatchObject({ code: 'rate_limited', type: 'rate_limited' });
  });

  it('counts failed passwords per identifier trimmed and case-insensitively, 10 per 5 minutes', async () => {
    const { server, clock } = createTestServer({ rateLimit: true });
    const device = await createDevice(server);
    const attempt = (identifier: string, password = 'wrong') =>
      device.send('/login/email/password', { body: { identifier, password }, proof: false });
    const variants = ['ada@example.com', ' ADA@example.com', 'Ada@Example.com '];
    for (let i = 0; i < 10; i += 1) {
      expect((await attempt(variants[i % 3]!)).status).toBe(401);
    }
    clock.advance(100);
    const blocked = await attempt('ada@example.com', 'correct horse');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('200');
    expect((await attempt('bob@example.com', 'hunter2')).status).toBe(200);
    clock.advance(200);
    expect((await attempt('ada@example.com', 'correct horse')).status).toBe(200);
  });

  it('does not count successful passwords as failures', async () => {
    const { server } = createTestServer({ rateLimit: true });
    const device = await createDevice(server);
    for (let i = 0; i < 15; i += 1) {
      const ok = await device.send('/login/email/password', {
        body: { identifier: 'ada@example.com', password: 'correct horse' },
        proof: false,
      });
      expect(ok.status).toBe(200);
    }
  });
});
