import { describe, expect, it } from 'vitest';
import { createDevice, errorOf, refreshRequest } from './helpers/device';
import { createProofKey } from './helpers/dpop';
import { createTestServer } from './helpers/server';

const get = (path: string, headers: Record<string, string> = {}) => ({
  method: 'GET',
  url: `http://localhost${path}`,
  headers: new Headers(headers),
});

describe('routing and common headers', () => {
  it('answers 404 not_found for an unknown path', async () => {
    const { server } = createTestServer();
    const response = await server.handle(get('/v1/session/nope'));
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body!)).toMatchObject({ code: 'not_found', type: 'not_found' });
  });

  it('answers 405 with Allow for a wrong method on a known path', async () => {
    const { server } = createTestServer();
    const response = await server.handle(get('/v1/session/refresh'));
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toContain('POST');
    expect(JSON.parse(response.body!)).toMatchObject({
      code: 'method_not_allowed',
      type: 'method_not_allowed',
    });
    const list = await server.handle({ ...get('/v1/session/me/list'), method: 'DELETE' });
    expect(list.headers.Allow).toContain('GET');
  });

  it('dates every answer with the injected clock', async () => {
    const { server, clock } = createTestServer();
    clock.set(Date.UTC(2030, 0, 2, 3, 4, 5));
    for (const path of ['/v1/session/nope', '/v1/session/refresh', '/.well-known/jwks.json']) {
      const response = await server.handle(get(path));
      expect(response.headers.Date).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
      expect(response.headers.Vary).toBe('Origin');
    }
  });

  it('forbids caching everywhere but the JWKS', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    expect((await device.refresh()).headers.get('cache-control')).toBe('no-store');
    expect((await server.handle(get('/v1/session/nope'))).headers['Cache-Control']).toBe(
      'no-store',
    );
    const jwks = await server.handle(get('/.well-known/jwks.json'));
    expect(jwks.status).toBe(200);
    expect(jwks.headers['Cache-Control']).toBe('public, max-age=300');
    const { keys } = JSON.parse(jwks.body!) as { keys: Array<{ kid: string }> };
    expect(keys.length).toBeGreaterThan(0);
  });

  it('sends a DPoP-Nonce on every answer when nonces are required, and none otherwise', async () => {
    const { server } = createTestServer({ requireNonce: true });
    expect((await server.handle(get('/v1/session/nope'))).headers['DPoP-Nonce']).toBeTruthy();
    expect((await server.handle(get('/.well-known/jwks.json'))).headers['DPoP-Nonce']).toBeTruthy();
    const plain = createTestServer().server;
    expect(
      (await plain.handle(get('/.well-known/jwks.json'))).headers['DPoP-Nonce'],
    ).toBeUndefined();
  });

  it('keeps working with nonces that change constantly', async () => {
    const { server, clock } = createTestServer({ requireNonce: true, nonceWindowSeconds: 1 });
    const device = await createDevice(server);
    await device.login();
    clock.advance(5);
    const stale = await device.refresh();
    expect((await errorOf(stale)).code).toBe('use_dpop_nonce');
    expect((await device.refresh()).status).toBe(200);
  });

  it('uses publicOrigin for htu and iss', async () => {
    const { server } = createTestServer({ publicOrigin: 'https://app.example.com' });
    const device = await createDevice(server, { origin: 'https://app.example.com' });
    await device.login();
    const [, payload] = device.accessToken!.split('.');
    expect(JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))).iss).toBe(
      'https://app.example.com',
    );
    expect(server.issuer).toBe('https://app.example.com');
    const internal = await createDevice(server, { origin: 'http://10.0.0.1:8080' });
    // The proof names the internal URL, not the public one: refused.
    const response = await internal.send('/refresh');
    expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
  });

  it('reads the public origin from X-Forwarded-* only with trustProxy', async () => {
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com' };
    // The proxy forwards to an internal address; the client signed the public URL.
    const publicHtu = { htu: 'https://app.example.com/v1/session/revoke' };
    const trusted = createTestServer({ trustProxy: true }).server;
    const behindProxy = await createDevice(trusted, {
      origin: 'http://10.0.0.1:8080',
      headers: forwarded,
    });
    expect((await behindProxy.logout({ proof: publicHtu })).status).toBe(204);
    expect(trusted.issuer).toBe('https://app.example.com');

    const untrusted = createTestServer().server;
    const spoofing = await createDevice(untrusted, {
      origin: 'http://10.0.0.1:8080',
      headers: forwarded,
    });
    const refused = await spoofing.logout({ proof: publicHtu });
    expect((await errorOf(refused)).code).toBe('invalid_dpop_proof');
    expect(untrusted.issuer).toBe('http://10.0.0.1:8080');
  });

  it('uses the issuer option for iss', async () => {
    const { server } = createTestServer({ issuer: 'https://issuer.example' });
    const device = await createDevice(server);
    await device.login();
    expect(server.issuer).toBe('https://issuer.example');
    expect((await device.list()).status).toBe(200);
  });
});

describe('CORS', () => {
  const allowed = 'https://app.example.com';

  it('allows exactly the configured origins, with credentials and exposed headers', async () => {
    const { server } = createTestServer({ allowedOrigins: [allowed] });
    const yes = await server.handle(get('/.well-known/jwks.json', { Origin: allowed }));
    expect(yes.headers['Access-Control-Allow-Origin']).toBe(allowed);
    expect(yes.headers['Access-Control-Allow-Credentials']).toBe('true');
    for (const name of [
      'DPoP-Nonce',
      'WWW-Authenticate',
      'Date',
      'Retry-After',
      'X-Refresh-Token',
      'X-Refresh-Token-Expires-At',
    ]) {
      expect(yes.headers['Access-Control-Expose-Headers']).toContain(name);
    }
    for (const origin of [
      'https://evil.example.com',
      'null',
      `${allowed}/`,
      'https://APP.example.com',
    ]) {
      const no = await server.handle(get('/.well-known/jwks.json', { Origin: origin }));
      expect(no.headers['Access-Control-Allow-Origin']).toBeUndefined();
      expect(no.headers.Vary).toBe('Origin');
    }
  });

  it('answers a preflight with 204 and the allowed request headers', async () => {
    const { server } = createTestServer({ allowedOrigins: [allowed] });
    const preflight = await server.handle({
      method: 'OPTIONS',
      url: 'http://localhost/v1/session/refresh',
      headers: new Headers({ Origin: allowed, 'Access-Control-Request-Method': 'POST' }),
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['Access-Control-Allow-Origin']).toBe(allowed);
    expect(preflight.headers['Access-Control-Allow-Methods']).toContain('POST');
    for (const name of [
      'DPoP',
      'Authorization',
      'Content-Type',
      'X-Refresh-Token',
      'X-SDK-User-Agent',
    ]) {
      expect(preflight.headers['Access-Control-Allow-Headers']).toContain(name);
    }
  });

  it('answers a preflight from a disallowed origin with 204 and no CORS headers', async () => {
    const { server } = createTestServer({ allowedOrigins: [allowed] });
    const preflight = await server.handle({
      method: 'OPTIONS',
      url: 'http://localhost/v1/session/refresh',
      headers: new Headers({
        Origin: 'https://evil.example.com',
        'Access-Control-Request-Method': 'POST',
      }),
    });
    expect(preflight.status).toBe(204);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('Access-Control'))).toEqual(
      [],
    );
  });
});

describe('refresh token transport', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict cookie on /v1/session with the remaining lifetime', async () => {
    const { server, clock } = createTestServer({
      sessionLifetimeSeconds: 1000,
      publicOrigin: 'https://app.example.com',
    });
    const device = await createDevice(server, { origin: 'https://app.example.com' });
    await device.login();
    const cookie = device.bridge.cookies()[0]!;
    expect(cookie).toMatchObject({
      name: 'refresh_token',
      path: '/v1/session',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    });
    expect(cookie.expiresAt).toBe(server.now() + 1000_000);
    clock.advance(400);
    const response = await server.fetch(
      await refreshRequest(server, device, { origin: 'https://app.example.com' }),
    );
    expect(response.headers.get('set-cookie')).toMatch(
      /^refresh_token=[A-Za-z0-9_-]+; Path=\/v1\/session; Max-Age=600; HttpOnly; Secure; SameSite=Strict$/,
    );
  });

  it('drops Secure on plain-http localhost, and honours cookie options', async () => {
    const { server } = createTestServer({
      cookieName: 'rt',
      cookiePath: '/',
      cookieSameSite: 'Lax',
    });
    const device = await createDevice(server);
    await device.login();
    expect(device.bridge.cookies()[0]).toMatchObject({
      name: 'rt',
      path: '/',
      secure: false,
      sameSite: 'Lax',
    });
  });

  it('clears the cookie when refresh answers unauthorized, but not on dpop_key_mismatch', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const owner = device.key;
    device.key = await createProofKey();
    const mismatch = await server.fetch(await refreshRequest(server, device));
    expect((await errorOf(mismatch)).code).toBe('dpop_key_mismatch');
    expect(mismatch.headers.get('set-cookie')).toBeNull();
    device.key = owner;
    await server.admin.revokeUserSessions('usr_ada');
    const response = await server.fetch(await refreshRequest(server, device));
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toMatch(
      /^refresh_token=; Path=\/v1\/session; Max-Age=0;/,
    );
  });

  it('clears the cookie on token_reused and on /revoke', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const old = device.refreshToken()!;
    await device.refresh();
    await device.refresh();
    const reused = await server.fetch(await refreshRequest(server, device, { token: old }));
    expect((await errorOf(reused)).code).toBe('token_reused');
    expect(reused.headers.get('set-cookie')).toMatch(/Max-Age=0;/);
    const logout = await device.logout();
    expect(logout.status).toBe(204);
    expect(device.refreshToken()).toBeUndefined();
  });

  it('answers in headers in header mode, and takes X-Refresh-Token over the cookie', async () => {
    const { server } = createTestServer({
      refreshTokenTransport: 'header',
      sessionLifetimeSeconds: 1000,
    });
    const device = await createDevice(server);
    const step = await device.send('/login/email/password', {
      body: { identifier: 'ada@example.com', password: 'correct horse' },
      proof: false,
    });
    const { challenge_token } = (await step.json()) as { challenge_token: string };
    const finalize = await device.send('/login/finalize', { body: { challenge_token } });
    const token = finalize.headers.get('x-refresh-token')!;
    expect(token).toBeTruthy();
    expect(Number(finalize.headers.get('x-refresh-token-expires-at'))).toBe(
      Math.floor(server.now() / 1000) + 1000,
    );
    expect(device.bridge.cookies()).toEqual([]);
    const refreshed = await device.refresh({
      headers: { 'X-Refresh-Token': token, Cookie: 'refresh_token=unknown' },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('x-refresh-token')).not.toBe(token);
  });

  it('accepts either transport on input and answers in both with "both"', async () => {
    const { server } = createTestServer({ refreshTokenTransport: 'both' });
    const device = await createDevice(server);
    await device.login();
    const response = await device.refresh();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-refresh-token')).toBe(device.refreshToken());
  });
});
