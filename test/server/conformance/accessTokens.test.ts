import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../../../src/server';
import { createDevice } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { claimsOf, headerOf, raw, signedIn } from './support';

describe('access tokens', () => {
  it('are ES256 at+jwt whose kid is the RFC 7638 thumbprint of a JWKS key', async () => {
    const { server, device } = await signedIn();
    const header = headerOf(device.accessToken!);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const jwks = JSON.parse((await raw(server, { path: '/.well-known/jwks.json' })).body!) as {
      keys: Array<Record<string, string>>;
    };
    const key = jwks.keys.find((k) => k.kid === header.kid);
    expect(key).toBeDefined();
    const { kty, crv, x, y } = key!;
    expect(await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256')).toBe(header.kid);
    expect(key).not.toHaveProperty('d');
  });

  it('carry iss, sub, sid, iat, exp, jti and a cnf.jkt of the session key', async () => {
    const { device, sessionId } = await signedIn();
    const claims = claimsOf(device.accessToken!);
    expect(claims).toMatchObject({ iss: 'http://localhost', sub: 'usr_ada', sid: sessionId });
    for (const name of ['iat', 'exp']) expect(Number.isInteger(claims[name])).toBe(true);
    expect(typeof claims.jti).toBe('string');
    expect(claims.cnf).toEqual({ jkt: device.key.jkt });
  });

  it('take iss from the request origin when neither issuer nor publicOrigin is set', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, { origin: 'http://127.0.0.1:8787' });
    await device.login();
    expect(claimsOf(device.accessToken!).iss).toBe('http://127.0.0.1:8787');
    expect((await device.list()).status).toBe(200);
  });

  it('prefer issuer over publicOrigin for iss', async () => {
    const { server } = createTestServer({
      issuer: 'https://issuer.example',
      publicOrigin: 'https://app.example.com',
    });
    const device = await createDevice(server, { origin: 'https://app.example.com' });
    await device.login();
    expect(claimsOf(device.accessToken!).iss).toBe('https://issuer.example');
    expect((await device.list()).status).toBe(200);
  });

  it('put profile claims at the top level and never let them override reserved claims', async () => {
    const server = createSessionServer({
      rateLimit: false,
      users: [
        {
          id: 'usr_eve',
          identifier: 'eve@example.com',
          password: 'pw',
          profile: {
            name: 'Eve',
            roles: ['admin'],
            iss: 'https://evil.example',
            sub: 'usr_root',
            aud: 'everyone',
            sid: 'ses_forged',
            iat: 1,
            exp: 9_999_999_999,
            nbf: 9_999_999_999,
            jti: 'fixed',
            cnf: { jkt: 'forged' },
          },
        },
      ],
    });
    const device = await createDevice(server);
    const { sessionId } = await device.login('eve@example.com', 'pw');
    const claims = claimsOf(device.accessToken!);
    expect(claims).toMatchObject({ name: 'Eve', roles: ['admin'], sub: 'usr_eve', sid: sessionId });
    expect(claims.iss).toBe('http://localhost');
    expect(claims.aud).toBeUndefined();
    expect(claims.nbf).toBeUndefined();
    expect(claims.jti).not.toBe('fixed');
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.cnf).toEqual({ jkt: device.key.jkt });
    expect((await device.list()).status).toBe(200);
  });

  it('keep the profile claims after a refresh', async () => {
    const { device } = await signedIn();
    await device.refresh();
    expect(claimsOf(device.accessToken!).name).toBe('Ada');
  });

  it('are refused on /me/* when their iss is another origin', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, { origin: 'http://127.0.0.1:8787' });
    await device.login();
    const token = device.accessToken!;
    const elsewhere = await createDevice(server);
    elsewhere.key = device.key;
    const response = await elsewhere.list('', { accessToken: token });
    expect(response.status).toBe(401);
  });
});

describe('JWKS', () => {
  it('is served at the origin root with public, max-age=300 and public members only', async () => {
    const { server } = createTestServer();
    const response = await raw(server, { path: '/.well-known/jwks.json' });
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('public, max-age=300');
    expect(response.headers['Content-Type']).toMatch(/^application\/json/);
    const { keys } = JSON.parse(response.body!) as { keys: Array<Record<string, unknown>> };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        expect(key).not.toHaveProperty(member);
    }
  });
});
