import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreResponse } from '../../src/server';
import { createDevice } from './helpers/device';
import { createTestServer } from './helpers/server';

const PATHS = [
  '/v1/session/login/email/password',
  '/v1/session/login/finalize',
  '/v1/session/refresh',
  '/v1/session/revoke',
  '/v1/session/me/list',
  '/v1/session/me/revoke',
];
const TYPES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  429: 'rate_limited',
};

function expectProtocolError(response: CoreResponse): void {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const body = JSON.parse(response.body!) as Record<string, unknown>;
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(body.type).toBe(TYPES[response.status]);
  expect(response.headers.Date).toBeTruthy();
}

const headerValue = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('DPoP a.b.c', 'Bearer x', 'DPoP a, DPoP b', 'eyJ.eyJ.sig', 'a.b.c, d.e.f', ''),
);
const safeHeader = headerValue.map((v) => v.replace(/[^\x20-\x7e]/g, '').trim());

describe('robustness', () => {
  it('answers any request shape with a 4xx protocol error, never a 500', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'get', 'FOO'),
          path: fc.oneof(
            fc.constantFrom(...PATHS),
            fc.string({ maxLength: 60 }).map((s) => `/v1/session/${s}`),
            fc.webPath(),
          ),
          query: fc.oneof(
            fc.constant(''),
            fc.constantFrom(
              '?limit=0',
              '?limit=1e1',
              '?offset=-1',
              '?target=x',
              '?target=session&session_id=',
            ),
            fc.string({ maxLength: 40 }).map((s) => `?${encodeURI(s)}`),
          ),
          dpop: fc.option(safeHeader),
          authorization: fc.option(safeHeader),
          contentType: fc.option(
            fc.constantFrom(
              'application/json',
              'text/plain',
              'application/x-www-form-urlencoded',
              'application/json; charset=utf-8',
              '',
            ),
          ),
          cookie: fc.option(
            fc.string({ maxLength: 80 }).map((s) => `refresh_token=${encodeURIComponent(s)}`),
          ),
          refreshHeader: fc.option(safeHeader),
          body: fc.oneof(
            fc.constant(null),
            fc.string({ maxLength: 200 }),
            fc.json().map((j) => j),
            fc
              .jsonValue()
              .map((v) =>
                JSON.stringify({ identifier: v, password: v, challenge_token: v, device: v }),
              ),
            fc.uint8Array({ maxLength: 100 }),
          ),
        }),
        async (r) => {
          const headers = new Headers();
          if (r.dpop !== null) headers.set('DPoP', r.dpop);
          if (r.authorization !== null) headers.set('Authorization', r.authorization);
          if (r.contentType !== null) headers.set('Content-Type', r.contentType);
          if (r.cookie !== null) headers.set('Cookie', r.cookie);
          if (r.refreshHeader !== null) headers.set('X-Refresh-Token', r.refreshHeader);
          const response = await server.handle({
            method: r.method,
            url: `http://localhost${r.path}${r.query}`,
            headers,
            body: r.body,
          });
          if (response.status < 400) {
            // Only the password step can succeed with arbitrary input (right credentials),
            // and preflight-free GETs of the JWKS.
            expect(response.status).toBeLessThan(300);
            return;
          }
          expectProtocolError(response);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers signed requests with any body and query with a 2xx or a 4xx protocol error', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/login/finalize', '/refresh', '/me/list', '/me/revoke'),
        fc.string({ maxLength: 60 }),
        fc.oneof(fc.string({ maxLength: 100 }), fc.json()),
        async (path, query, rawBody) => {
          const method = path === '/me/list' ? 'GET' : 'POST';
          const response = await device.send(`${path}?${encodeURI(query)}`, {
            method,
            accessToken: path.startsWith('/me') ? device.accessToken : undefined,
            ...(method === 'POST' ? { rawBody } : {}),
            proof: { htu: `http://localhost/v1/session${path}` },
          });
          if (response.status >= 400) {
            expect(response.status).toBeLessThan(500);
            const body = (await response.json()) as Record<string, unknown>;
            expect(typeof body.code).toBe('string');
            expect(body.type).toBe(TYPES[response.status]);
          }
          if (device.refreshToken() === undefined || response.status === 401) {
            // A /me/revoke target may end the session: sign in again for the next run.
            device.bridge.clearCookies();
            await device.newKey();
            await device.login();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
