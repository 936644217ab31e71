import { describe, expect, it } from 'vitest';
import { createDevice, errorOf } from './helpers/device';
import { createProofKey } from './helpers/dpop';
import { createTestServer } from './helpers/server';

const PROOF_PATHS = ['/login/finalize', '/refresh', '/revoke'] as const;

describe('token endpoints', () => {
  describe.each(PROOF_PATHS)('%s', (path) => {
    it('answers 400 missing_dpop_proof without a DPoP header', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.send(path, { proof: false, body: {} });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: 'missing_dpop_proof',
        type: 'bad_request',
      });
    });

    it('answers 400 invalid_dpop_proof for a proof with the wrong htm', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.send(path, { proof: { htm: 'GET' }, body: {} });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
    });

    it('answers 400 invalid_dpop_proof for an iat more than 60 s away', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const iat = Math.floor(server.now() / 1000) - 61;
      const response = await device.send(path, { proof: { iat }, body: {} });
      expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
    });

    it('answers 400 invalid_dpop_proof for several DPoP headers', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const proof = await device.key.sign({
        htm: 'POST',
        htu: `http://localhost/v1/session${path}`,
        iat: Math.floor(server.now() / 1000),
      });
      const headers = new Headers();
      headers.append('DPoP', proof);
      headers.append('DPoP', proof);
      const response = await server.handle({
        method: 'POST',
        url: `http://localhost/v1/session${path}`,
        headers,
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body!).code).toBe('invalid_dpop_proof');
    });

    it('answers 400 invalid_dpop_proof when a proof is replayed', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const proof = { jti: 'same-jti' };
      await device.send(path, { proof, body: {} });
      const replayed = await device.send(path, { proof, body: {} });
      expect((await errorOf(replayed)).code).toBe('invalid_dpop_proof');
    });

    it('answers 400 use_dpop_nonce with a DPoP-Nonce when nonces are required', async () => {
      const { server } = createTestServer({ requireNonce: true });
      const device = await createDevice(server);
      const response = await device.send(path, { body: {} });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('use_dpop_nonce');
      expect(response.headers.get('dpop-nonce')).toBeTruthy();
    });
  });

  describe('/refresh', () => {
    it('answers 401 unauthorized without a refresh token and clears the cookie', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.refresh();
      expect(response.status).toBe(401);
      const body = await errorOf(response);
      expect(body).toMatchObject({ code: 'unauthorized', type: 'unauthorized' });
      expect(body.reason).toBeUndefined();
    });

    it('answers 401 unauthorized for an unknown refresh token', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.refresh({ headers: { 'X-Refresh-Token': 'not-a-token' } });
      expect((await errorOf(response)).code).toBe('unauthorized');
    });

    it('answers 401 dpop_key_mismatch for the current token with a foreign key, keeping token and session', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const token = device.refreshToken();
      const response = await device.refresh({ key: await createProofKey() });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('dpop_key_mismatch');
      expect(device.refreshToken()).toBe(token);
      const retry = await device.refresh();
      expect(retry.status).toBe(200);
    });

    it('does not spend the refresh token when the proof fails', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const token = device.refreshToken();
      expect((await device.refresh({ proof: false })).status).toBe(400);
      expect((await device.refresh({ proof: { htu: 'http://localhost/other' } })).status).toBe(400);
      expect(device.refreshToken()).toBe(token);
      expect((await device.refresh()).status).toBe(200);
    });

    it('ignores its body, whatever it is', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const response = await device.refresh({
        rawBody: 'not json',
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(response.status).toBe(200);
    });

    it('checks the proof before the refresh token', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.refresh({
        proof: false,
        headers: { 'X-Refresh-Token': 'unknown' },
      });
      expect((await errorOf(response)).code).toBe('missing_dpop_proof');
    });
  });

  describe('/revoke', () => {
    it('answers 204 and clears the cookie when there is no session', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.logout();
      expect(response.status).toBe(204);
    });

    it('ends the session of the current token', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const token = device.refreshToken()!;
      expect((await device.logout()).status).toBe(204);
      expect(device.refreshToken()).toBeUndefined();
      const refreshed = await device.refresh({ headers: { 'X-Refresh-Token': token } });
      expect(await errorOf(refreshed)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
    });

    it('answers 401 dpop_key_mismatch for the current token with a foreign key and keeps the session', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const response = await device.logout({ key: await createProofKey() });
      expect((await errorOf(response)).code).toBe('dpop_key_mismatch');
      expect(device.refreshToken()).toBeTruthy();
      expect((await device.refresh()).status).toBe(200);
    });

    it('revokes the session for a rotated token outside grace, with 204', async () => {
      const { server, clock } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      clock.advance(31);
      const response = await device.logout({ headers: { 'X-Refresh-Token': old } });
      expect(response.status).toBe(204);
      expect((await device.refresh()).status).toBe(401);
    });

    it('needs a proof even without a session', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      const response = await device.logout({ proof: false });
      expect((await errorOf(response)).code).toBe('missing_dpop_proof');
    });
  });
});
