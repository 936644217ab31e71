import { describe, expect, it, vi } from 'vitest';
import { createSessionServer, createMemoryStore, type SessionStore } from '../../../src/server';
import { createClock } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { bodyOf, isWireError, raw, signedIn } from './support';

const ENDPOINTS: Array<[string, 'GET' | 'POST']> = [
  ['/v1/session/login/email/password', 'POST'],
  ['/v1/session/login/finalize', 'POST'],
  ['/v1/session/refresh', 'POST'],
  ['/v1/session/revoke', 'POST'],
  ['/v1/session/me/list', 'GET'],
  ['/v1/session/me/revoke', 'POST'],
  ['/.well-known/jwks.json', 'GET'],
];

describe('error bodies and types (PROTOCOL: Errors, "Error type")', () => {
  it('answers every error with exactly {code, message, type[, reason]}, type derived from the status', async () => {
    const { server, device } = await signedIn({ rateLimit: { address: { max: 50 } } });
    const answers = [
      [await raw(server, { path: '/v1/session/nope' }), 404, 'not_found'],
      [await raw(server, { path: '/v1/session/refresh' }), 405, 'method_not_allowed'],
      [
        await raw(server, { method: 'POST', path: '/v1/session/login/email/password', body: '[]' }),
        400,
        'bad_request',
      ],
      [await raw(server, { path: '/v1/session/me/list' }), 401, 'unauthorized'],
    ] as const;
    for (const [response, status, type] of answers) {
      expect(response.status).toBe(status);
      const body = bodyOf(response);
      expect(isWireError(body)).toBe(true);
      expect(body.type).toBe(type);
      expect(response.headers['Content-Type']).toMatch(/^application\/json/);
    }
    const nonce = await device.send('/refresh', { proof: false });
    expect(await nonce.json()).toMatchObject({ code: 'missing_dpop_proof', type: 'bad_request' });
  });

  it('types token-endpoint 401 codes as unauthorized and 429 as rate_limited', async () => {
    const { device } = await signedIn({ rateLimit: { refresh: { max: 2 } } });
    const foreign = await device.refresh({ key: (await signedIn()).device.key });
    expect(await foreign.json()).toMatchObject({ code: 'dpop_key_mismatch', type: 'unauthorized' });
    await device.refresh();
    const limited = await device.refresh();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited', type: 'rate_limited' });
  });

  it('answers a server fault with 500 internal, type internal, dated and uncached', async () => {
    const clock = createClock(Date.UTC(2031, 4, 6, 7, 8, 9));
    const broken: SessionStore = {
      ...createMemoryStore({ now: clock.now }),
      get: () => Promise.reject(new Error('store down')),
    };
    const server = createSessionServer({ now: clock.now, store: broken, rateLimit: false });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await raw(server, { path: '/.well-known/jwks.json' });
    spy.mockRestore();
    expect(response.status).toBe(500);
    expect(bodyOf(response)).toMatchObject({ code: 'internal', type: 'internal' });
    expect(isWireError(bodyOf(response))).toBe(true);
    expect(response.headers.Date).toBe('Tue, 06 May 2031 07:08:09 GMT');
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.body).not.toContain('store down');
  });
});

describe('server faults', () => {
  it('still answers 500 internal when the store fails and nonces are required', async () => {
    const clock = createClock();
    const broken: SessionStore = {
      ...createMemoryStore({ now: clock.now }),
      get: () => Promise.reject(new Error('store down')),
    };
    const server = createSessionServer({
      now: clock.now,
      store: broken,
      rateLimit: false,
      requireNonce: true,
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const answer = await server
      .handle({
        method: 'GET',
        url: 'http://localhost/.well-known/jwks.json',
        headers: new Headers(),
      })
      .then(
        (response) => response,
        () => undefined,
      );
    spy.mockRestore();
    expect(answer?.status).toBe(500);
    expect(answer && bodyOf(answer)).toMatchObject({ code: 'internal', type: 'internal' });
    expect(answer?.headers.Date).toBeTruthy();
  });
});

describe('methods and paths', () => {
  it.each(ENDPOINTS)(
    'answers a wrong method on %s with 405 and an Allow naming %s',
    async (path, method) => {
      const { server } = createTestServer();
      for (const wrong of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => m !== method)) {
        const response = await raw(server, { method: wrong, path });
        expect(response.status).toBe(405);
        expect(response.headers.Allow?.split(/,\s*/)).toContain(method);
        expect(bodyOf(response)).toMatchObject({
          code: 'method_not_allowed',
          type: 'method_not_allowed',
        });
      }
    },
  );

  it.each([
    '/',
    '/v1/session',
    '/v1/session/',
    '/v1/session/refresh/',
    '/v1/session/REFRESH',
    '/v1/session/.well-known/jwks.json',
    '/v1/session/me',
    '/v1/session/login/email',
    '/v2/session/refresh',
  ])('answers an unknown path %s with 404 not_found, whatever the method', async (path) => {
    const { server } = createTestServer();
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await raw(server, { method, path });
      expect(response.status).toBe(404);
      expect(bodyOf(response)).toMatchObject({ code: 'not_found', type: 'not_found' });
    }
  });

  it('ignores the query when routing', async () => {
    const { server } = createTestServer();
    const response = await raw(server, { path: '/.well-known/jwks.json?x=1' });
    expect(response.status).toBe(200);
  });
});

describe('Date, Vary and Cache-Control on every answer', () => {
  it('carries the injected clock in Date on successes and on every kind of error', async () => {
    const { server, clock, device } = await signedIn({
      rateLimit: { address: { max: 1000 }, refresh: { max: 1 } },
      allowedOrigins: ['https://app.example.com'],
    });
    clock.set(Date.UTC(2030, 0, 2, 3, 4, 5));
    const expected = 'Wed, 02 Jan 2030 03:04:05 GMT';
    const dated = [
      await raw(server, { path: '/v1/session/nope' }),
      await raw(server, { path: '/v1/session/refresh' }),
      await raw(server, {
        method: 'OPTIONS',
        path: '/v1/session/refresh',
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' },
      }),
      await raw(server, { path: '/v1/session/me/list' }),
      await raw(server, { method: 'POST', path: '/v1/session/refresh' }),
    ];
    for (const response of dated) expect(response.headers.Date).toBe(expected);
    for (const response of [await device.refresh(), await device.refresh(), await device.logout()])
      expect(response.headers.get('date')).toBe(expected);
  });

  it('marks every answer Vary: Origin and no-store, the JWKS alone public, max-age=300', async () => {
    const { server, device } = await signedIn();
    const answers = [
      await raw(server, { path: '/v1/session/nope' }),
      await raw(server, { path: '/v1/session/me/list' }),
      await raw(server, { method: 'OPTIONS', path: '/v1/session/refresh' }),
      await raw(server, { method: 'POST', path: '/.well-known/jwks.json' }),
    ];
    for (const response of answers) {
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.headers.Vary).toMatch(/\bOrigin\b/);
    }
    for (const response of [await device.list(), await device.refresh(), await device.logout()]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
    const jwks = await raw(server, { path: '/.well-known/jwks.json' });
    expect(jwks.headers['Cache-Control']).toBe('public, max-age=300');
    expect(jwks.headers.Vary).toMatch(/\bOrigin\b/);
  });
});
