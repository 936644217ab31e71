import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../../../src/server';
import { errorOf } from '../helpers/device';
import { createProofKey, type ProofKey } from '../helpers/dpop';
import { createTestServer } from '../helpers/server';
import { bodyOf, raw, signedIn } from './support';

const REVOKE = 'http://localhost/v1/session/revoke';

/** /revoke without a refresh token answers 204 exactly when its proof passes. */
async function revokeWith(server: ReturnType<typeof createTestServer>['server'], proof: string) {
  return raw(server, { method: 'POST', path: '/v1/session/revoke', headers: { DPoP: proof } });
}

async function sign(
  server: ReturnType<typeof createTestServer>['server'],
  key: ProofKey,
  extra: Partial<Parameters<ProofKey['sign']>[0]> = {},
) {
  return key.sign({ htm: 'POST', htu: REVOKE, iat: Math.floor(server.now() / 1000), ...extra });
}

describe('proof limits', () => {
  it('accepts an iat exactly 60 s either side of server time and refuses 61 s', async () => {
    const { server } = createTestServer();
    const key = await createProofKey();
    const now = Math.floor(server.now() / 1000);
    for (const iat of [now - 60, now + 60]) {
      expect((await revokeWith(server, await sign(server, key, { iat }))).status).toBe(204);
    }
    for (const iat of [now - 61, now + 61]) {
      const response = await revokeWith(server, await sign(server, key, { iat }));
      expect(response.status).toBe(400);
      expect(bodyOf(response).code).toBe('invalid_dpop_proof');
    }
  });

  it.each([['DPoP+JWT'], ['jwt'], ['application/dpop+jwt'], [undefined]])(
    'refuses typ %j: it must be exactly dpop+jwt',
    async (typ) => {
      const { server } = createTestServer();
      const proof = await sign(server, await createProofKey(), { header: { typ } });
      expect(bodyOf(await revokeWith(server, proof)).code).toBe('invalid_dpop_proof');
    },
  );

  it.each(['ES384', 'RS256', 'none', 'HS256'])('refuses alg %s: only ES256', async (alg) => {
    const { server } = createTestServer();
    const proof = await sign(server, await createProofKey(), { header: { alg } });
    expect(bodyOf(await revokeWith(server, proof)).code).toBe('invalid_dpop_proof');
  });

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])(
    'refuses a jwk carrying the private member %s',
    async (member) => {
      const { server } = createTestServer();
      const key = await createProofKey();
      const proof = await sign(server, key, { header: { jwk: { ...key.jwk, [member]: 'AAAA' } } });
      expect(bodyOf(await revokeWith(server, proof)).code).toBe('invalid_dpop_proof');
    },
  );

  it('refuses a jwk with private material on /me/* too, with 401', async () => {
    const { device } = await signedIn();
    const response = await device.list('', {
      proof: { header: { jwk: { ...device.key.jwk, d: 'AAAA' } } },
    });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
  });

  it('refuses a proof whose signature is not by its jwk', async () => {
    const { server } = createTestServer();
    const signer = await createProofKey();
    const other = await createProofKey();
    const proof = await sign(server, signer, { header: { jwk: other.jwk } });
    expect(bodyOf(await revokeWith(server, proof)).code).toBe('invalid_dpop_proof');
  });

  it('accepts a proof of exactly 8 KiB and refuses one byte more', async () => {
    const { server } = createTestServer();
    const key = await createProofKey();
    const found = new Map<number, string>();
    // Padding a claim and a header member reaches every length, however base64url rounds.
    const base = (await sign(server, key, { claims: { pad: '' } })).length;
    const estimate = Math.floor(((8192 - base) * 3) / 4);
    for (let head = 0; head < 4 && found.size < 2; head += 1) {
      for (let pad = estimate - 8; pad < estimate + 8 && found.size < 2; pad += 1) {
        const proof = await sign(server, key, {
          header: { x: 'h'.repeat(head) },
          claims: { pad: 'p'.repeat(pad) },
        });
        if (proof.length === 8192 || proof.length === 8193) found.set(proof.length, proof);
      }
    }
    expect([...found.keys()].sort()).toEqual([8192, 8193]);
    expect((await revokeWith(server, found.get(8192)!)).status).toBe(204);
    const tooLong = await revokeWith(server, found.get(8193)!);
    expect(bodyOf(tooLong).code).toBe('invalid_dpop_proof');
  });

  it('takes a jti of 1 to 256 characters only', async () => {
    const { server } = createTestServer();
    const key = await createProofKey();
    expect((await revokeWith(server, await sign(server, key, { jti: 'j' }))).status).toBe(204);
    const longest = 'a'.repeat(256);
    expect((await revokeWith(server, await sign(server, key, { jti: longest }))).status).toBe(204);
    for (const jti of ['a'.repeat(257)]) {
      expect(bodyOf(await revokeWith(server, await sign(server, key, { jti }))).code).toBe(
        'invalid_dpop_proof',
      );
    }
    for (const jti of ['', 42, null]) {
      const proof = await sign(server, key, { claims: { jti } });
      expect(bodyOf(await revokeWith(server, proof)).code).toBe('invalid_dpop_proof');
    }
  });

  it('remembers a jti per key: another key may use the same jti', async () => {
    const { server } = createTestServer();
    const [a, b] = [await createProofKey(), await createProofKey()];
    expect((await revokeWith(server, await sign(server, a, { jti: 'shared' }))).status).toBe(204);
    expect((await revokeWith(server, await sign(server, b, { jti: 'shared' }))).status).toBe(204);
    const again = await revokeWith(server, await sign(server, a, { jti: 'shared' }));
    expect(bodyOf(again).code).toBe('invalid_dpop_proof');
  });

  it('remembers a jti until iat + 65 s, so a future-dated proof cannot be replayed later', async () => {
    const { server, clock } = createTestServer();
    const key = await createProofKey();
    const proof = await sign(server, key, { iat: Math.floor(server.now() / 1000) + 60 });
    expect((await revokeWith(server, proof)).status).toBe(204);
    clock.advance(119);
    const replay = await revokeWith(server, proof);
    expect(replay.status).toBe(400);
    expect(bodyOf(replay).code).toBe('invalid_dpop_proof');
  });

  it('strips a query and fragment from htu and compares WHATWG-normalised URLs', async () => {
    const { server } = createTestServer();
    const key = await createProofKey();
    for (const htu of [
      `${REVOKE}?a=1`,
      `${REVOKE}#frag`,
      'HTTP://LOCALHOST:80/v1/session/revoke',
      'http://localhost/v1/session/revoke?x#y',
    ]) {
      expect((await revokeWith(server, await sign(server, key, { htu }))).status).toBe(204);
    }
    for (const htu of [
      'http://localhost/v1/session/REVOKE',
      'http://localhost:8080/v1/session/revoke',
      'https://localhost/v1/session/revoke',
      'http://localhost/v1/session/refresh',
      'not a url',
    ]) {
      const response = await revokeWith(server, await sign(server, key, { htu }));
      expect(bodyOf(response).code).toBe('invalid_dpop_proof');
    }
  });

  it('compares htu with publicOrigin + path when publicOrigin is set', async () => {
    const server = createSessionServer({
      rateLimit: false,
      publicOrigin: 'https://App.Example.com',
    });
    const key = await createProofKey();
    const send = (htu: string) =>
      key.sign({ htm: 'POST', htu, iat: Math.floor(server.now() / 1000) }).then((proof) =>
        server.handle({
          method: 'POST',
          url: 'http://10.0.0.5:3000/v1/session/revoke',
          headers: new Headers({ DPoP: proof }),
        }),
      );
    expect((await send('https://app.example.com/v1/session/revoke')).status).toBe(204);
    expect((await send('https://app.example.com:443/v1/session/revoke')).status).toBe(204);
    expect((await send('http://10.0.0.5:3000/v1/session/revoke')).status).toBe(400);
  });

  it('refuses several DPoP headers on /me/* with 401 invalid_dpop_proof', async () => {
    const { server, device } = await signedIn();
    const url = 'http://localhost/v1/session/me/list';
    const proof = () =>
      device.key.sign({
        htm: 'GET',
        htu: url,
        iat: Math.floor(server.now() / 1000),
        accessToken: device.accessToken!,
      });
    const response = await raw(server, {
      path: '/v1/session/me/list',
      headers: {
        Authorization: `DPoP ${device.accessToken}`,
        DPoP: [await proof(), await proof()],
      },
    });
    expect(response.status).toBe(401);
    expect(bodyOf(response).code).toBe('invalid_dpop_proof');
    expect(response.headers['WWW-Authenticate']).toContain('error="invalid_dpop_proof"');
  });

  it('records a jti only once every other check passed', async () => {
    const { server } = createTestServer();
    const key = await createProofKey();
    const wrongHtu = await sign(server, key, { jti: 'late', htu: 'http://localhost/v1/session/x' });
    expect(bodyOf(await revokeWith(server, wrongHtu)).code).toBe('invalid_dpop_proof');
    expect((await revokeWith(server, await sign(server, key, { jti: 'late' }))).status).toBe(204);
  });

  it('records a /me/* jti only after the ath check passed', async () => {
    const { device } = await signedIn();
    const badAth = await device.list('', { proof: { jti: 'me-late', claims: { ath: 'AAAA' } } });
    expect((await errorOf(badAth)).code).toBe('invalid_dpop_proof');
    expect((await device.list('', { proof: { jti: 'me-late' } })).status).toBe(200);
  });

  it('refuses a replayed proof on /me/*', async () => {
    const { device } = await signedIn();
    expect((await device.list('', { proof: { jti: 'list-once' } })).status).toBe(200);
    const replay = await device.list('', { proof: { jti: 'list-once' } });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('invalid_dpop_proof');
  });
});
