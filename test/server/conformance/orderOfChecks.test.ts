import { describe, expect, it } from 'vitest';
import { createDevice, errorOf } from '../helpers/device';
import { createProofKey } from '../helpers/dpop';
import { createTestServer } from '../helpers/server';
import { bodyOf, raw, signedIn } from './support';

const HTU = 'http://localhost/v1/session';

describe('order of checks on token endpoints', () => {
  it('answers a wrong method with 405 before the address limit and the proof', async () => {
    const { server } = createTestServer({ rateLimit: { address: { max: 1 } } });
    await raw(server, { path: '/.well-known/jwks.json' });
    expect((await raw(server, { path: '/.well-known/jwks.json' })).status).toBe(429);
    const response = await raw(server, { method: 'GET', path: '/v1/session/refresh' });
    expect(response.status).toBe(405);
  });

  it('answers the address limit before reading a bad body', async () => {
    const { server } = createTestServer({ rateLimit: { address: { max: 1 } } });
    await raw(server, { path: '/.well-known/jwks.json' });
    const response = await raw(server, {
      method: 'POST',
      path: '/v1/session/login/email/password',
      body: 'not json',
    });
    expect(response.status).toBe(429);
    expect(bodyOf(response).code).toBe('rate_limited');
  });

  it('answers a bad proof before a bad finalize body', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const response = await device.send('/login/finalize', {
      rawBody: '[1,2',
      proof: { htu: `${HTU}/refresh` },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
  });

  it('answers a malformed proof before a missing nonce', async () => {
    const { server } = createTestServer({ requireNonce: true });
    const device = await createDevice(server);
    const response = await device.send('/refresh', { proof: { htm: 'GET' } });
    expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
  });

  it('answers a stale nonce before a replayed jti', async () => {
    const { device } = await signedIn({ requireNonce: true });
    const current = device.nonce;
    const first = await device.refresh({ proof: { jti: 'jti-once' } });
    expect(first.status).toBe(200);
    const replayWithoutNonce = await device.refresh({ proof: { jti: 'jti-once', nonce: 'stale' } });
    expect((await errorOf(replayWithoutNonce)).code).toBe('use_dpop_nonce');
    const replayWithNonce = await device.refresh({ proof: { jti: 'jti-once', nonce: current } });
    expect((await errorOf(replayWithNonce)).code).toBe('invalid_dpop_proof');
  });

  it('does not record the jti of a proof refused for its nonce', async () => {
    const { device } = await signedIn({ requireNonce: true });
    const refused = await device.refresh({ proof: { jti: 'jti-after-nonce', nonce: 'stale' } });
    expect((await errorOf(refused)).code).toBe('use_dpop_nonce');
    const retried = await device.refresh({ proof: { jti: 'jti-after-nonce' } });
    expect(retried.status).toBe(200);
  });

  it('answers a bad body before looking up the challenge', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    for (const body of [{ challenge_token: 5 }, {}, { challenge_token: 'short' }]) {
      const response = await device.send('/login/finalize', { body });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('bad_request');
    }
  });

  it('answers the per-session limit before key binding, keeping the token and the session', async () => {
    const { device } = await signedIn({ rateLimit: { refresh: { max: 1 } } });
    expect((await device.refresh()).status).toBe(200);
    const token = device.refreshToken();
    const thief = await device.refresh({ key: await createProofKey() });
    expect(thief.status).toBe(429);
    expect((await errorOf(thief)).code).toBe('rate_limited');
    expect(device.refreshToken()).toBe(token);
  });

  it('answers the per-session limit before reuse detection: the session is not revoked', async () => {
    const { device, clock } = await signedIn({ rateLimit: { refresh: { max: 1 } } });
    const old = device.refreshToken()!;
    expect((await device.refresh()).status).toBe(200);
    clock.advance(31);
    const reuse = await device.refresh({ headers: { 'X-Refresh-Token': old } });
    expect(reuse.status).toBe(429);
    clock.advance(30);
    expect((await device.refresh()).status).toBe(200);
  });

  it('answers a bad proof before reuse detection: a rotated token with a bad proof revokes nothing', async () => {
    const { device, clock } = await signedIn();
    const old = device.refreshToken()!;
    await device.refresh();
    clock.advance(60);
    const refused = await device.refresh({
      headers: { 'X-Refresh-Token': old },
      proof: { htu: `${HTU}/revoke` },
    });
    expect((await errorOf(refused)).code).toBe('invalid_dpop_proof');
    expect((await device.refresh()).status).toBe(200);
  });

  it('answers unauthorized for a rotated token of a revoked session, not token_reused', async () => {
    const { server, device, clock } = await signedIn();
    const old = device.refreshToken()!;
    await device.refresh();
    await server.admin.revokeUserSessions('usr_ada');
    clock.advance(60);
    const response = await device.refresh({ headers: { 'X-Refresh-Token': old } });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });

  it('answers unauthorized for an expired session before key binding', async () => {
    const { device, clock } = await signedIn({ sessionLifetimeSeconds: 100 });
    const token = device.refreshToken()!;
    clock.advance(100);
    const response = await device.refresh({
      key: await createProofKey(),
      headers: { 'X-Refresh-Token': token },
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', reason: 'expired' });
  });

  it('refuses /revoke without a proof and leaves the session alive', async () => {
    const { device } = await signedIn();
    const refused = await device.logout({ proof: false });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).code).toBe('missing_dpop_proof');
    expect((await device.refresh()).status).toBe(200);
  });
});

describe('order of checks on /me/*', () => {
  it('checks the token before the proof: an expired token without a proof is unauthorized', async () => {
    const { device, clock } = await signedIn();
    clock.advance(300);
    const response = await device.list('', { proof: false });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthorized');
  });

  it('checks the scheme before the proof', async () => {
    const { device } = await signedIn();
    const bearer = await device.list('', { scheme: 'Bearer', proof: false });
    expect((await errorOf(bearer)).code).toBe('unauthorized');
    expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP\b/);
    expect(bearer.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('checks the scheme of an unbound token before its proof', async () => {
    const { device } = await signedIn({ bindAccessTokens: false });
    const response = await device.list('', { scheme: 'DPoP', proof: { htm: 'PUT' } });
    expect((await errorOf(response)).code).toBe('unauthorized');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it('checks the proof before the key binding', async () => {
    const { device } = await signedIn();
    const response = await device.list('', { key: await createProofKey(), proof: { htm: 'POST' } });
    expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
  });

  it('checks ath before the nonce, and the nonce before the key binding', async () => {
    const { device } = await signedIn({ requireNonce: true });
    const noAth = await device.list('', {
      proof: { accessToken: undefined, nonce: 'stale' },
    });
    expect((await errorOf(noAth)).code).toBe('invalid_dpop_proof');
    const foreign = await device.list('', {
      key: await createProofKey(),
      proof: { nonce: 'stale' },
    });
    expect((await errorOf(foreign)).code).toBe('use_dpop_nonce');
    expect(foreign.headers.get('dpop-nonce')).toBeTruthy();
  });

  it('checks the proof and the key binding before session liveness', async () => {
    const { server, device } = await signedIn();
    await server.admin.revokeUserSessions('usr_ada');
    const badProof = await device.list('', { proof: { htu: `${HTU}/me/revoke` } });
    expect((await errorOf(badProof)).code).toBe('invalid_dpop_proof');
    const foreign = await device.list('', { key: await createProofKey() });
    expect((await errorOf(foreign)).code).toBe('dpop_key_mismatch');
    const replayed = { jti: 'me-jti' };
    await device.list('', { proof: replayed });
    expect((await errorOf(await device.list('', { proof: replayed }))).code).toBe(
      'invalid_dpop_proof',
    );
    const own = await device.list();
    expect(await errorOf(own)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });

  it('checks session liveness before the query', async () => {
    const { server, device } = await signedIn();
    await server.admin.revokeUserSessions('usr_ada');
    const list = await device.list('?limit=abc&offset=x');
    expect(await errorOf(list)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
    const revoke = await device.revoke('?target=nobody');
    expect(await errorOf(revoke)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });

  it('checks the token before the query on /me/revoke', async () => {
    const { device } = await signedIn();
    const response = await device.revoke('?target=bogus', { accessToken: undefined, proof: false });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthorized');
  });
});
