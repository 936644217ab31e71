import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { VerifierError } from '../../src/server/errors';
import { createMemoryStore } from '../../src/server/memoryStore';
import { createTokenIssuer } from '../../src/server/tokenIssuer';
import type { TokenIssuer } from '../../src/server/tokenIssuer';
import { verifyAccessToken, verifyDpopRequest } from '../../src/server/verify';
import type { VerifyDpopRequestOptions } from '../../src/server/verify';
import { createProofKey } from './helpers/dpop';
import type { ProofKey } from './helpers/dpop';
import { createClock } from './helpers/joseProofs';
import { refusedWith } from './helpers/refusedWith';

const ISSUER = 'https://auth.example.com';
const ORIGIN = 'https://api.example.com';
const API = `${ORIGIN}/orders/42`;

let clock: ReturnType<typeof createClock>;
let tokens: TokenIssuer;
let device: ProofKey;
let bound: string;
let unbound: string;
let options: VerifyDpopRequestOptions;

beforeEach(async () => {
  clock = createClock();
  tokens = createTokenIssuer({ store: createMemoryStore({ now: clock.now }), now: clock.now });
  device = await createProofKey();
  const base = { userId: 'usr_1', sessionId: 'ses_1', issuer: ISSUER };
  bound = (await tokens.issue({ ...base, jkt: device.jkt })).accessToken;
  unbound = (await tokens.issue(base)).accessToken;
  options = { issuer: ISSUER, jwks: await tokens.jwks(), now: clock.now };
});

async function headersFor(htu: string, method = 'GET'): Promise<Record<string, string>> {
  const dpop = await device.sign({ htm: method, htu, iat: clock.seconds(), accessToken: bound });
  return { authorization: `DPoP ${bound}`, dpop };
}

async function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'accepted',
    (error: unknown) => error,
  );
}

describe('verifyDpopRequest: the URL htu is compared with', () => {
  it('checks htu against the path node:http received, even when that path starts with //', async () => {
    const withPublicOrigin = { ...options, publicOrigin: ORIGIN };
    // A proof minted for /orders/42 must not authorise the distinct request-target
    // //evil.example/orders/42 (which node:http delivers verbatim as req.url).
    await refusedWith(
      verifyDpopRequest(
        { method: 'GET', url: '//evil.example/orders/42', headers: await headersFor(API) },
        withPublicOrigin,
      ),
      'invalid_dpop_proof',
    );
    // And a client that really addresses https://api.example.com//files/42 is accepted.
    await expect(
      verifyDpopRequest(
        {
          method: 'GET',
          url: '//files/42',
          headers: await headersFor(`${ORIGIN}//files/42`),
        },
        withPublicOrigin,
      ),
    ).resolves.toMatchObject({ sub: 'usr_1' });
  });

  it('answers a malformed request-target from the network with a 401, not a TypeError', async () => {
    // node:http hands these request-targets to the app as req.url unchanged.
    for (const url of ['http://[bad/orders/42', 'http://a:99999/orders/42', 'http://%zz/x']) {
      const error = await outcomeOf(
        verifyDpopRequest(
          { method: 'GET', url, headers: await headersFor(API) },
          { ...options, publicOrigin: ORIGIN },
        ),
      );
      expect(error, url).toBeInstanceOf(VerifierError);
      expect((error as VerifierError).status, url).toBe(401);
    }
  });

  it('accepts an htu that differs from the request URL only by RFC 3986 normalization', async () => {
    // RFC 9449 §4.3: servers SHOULD apply RFC 3986 §6.2.2 syntax-based normalization
    // (percent-encoding case, decoding of unreserved characters) before comparing htu.
    const cases: Array<[string, string]> = [
      [`${ORIGIN}/users/~alice`, `${ORIGIN}/users/%7Ealice`],
      [`${ORIGIN}/files/a%2Fb`, `${ORIGIN}/files/a%2fb`],
    ];
    for (const [requestUrl, htu] of cases) {
      const request = new Request(requestUrl, { headers: await headersFor(htu) });
      await expect(verifyDpopRequest(request, options), htu).resolves.toMatchObject({
        sub: 'usr_1',
      });
    }
  });
});

describe('verifyAccessToken: signing keys', () => {
  it('sees a key added to the same jwks object after the issuer rotated its key', async () => {
    const jwks = { keys: [...(await tokens.jwks()).keys] };
    const backend = { issuer: ISSUER, jwks, now: clock.now };
    await expect(verifyAccessToken(unbound, backend)).resolves.toBeDefined();

    await tokens.rotateSigningKey();
    clock.advance(301);
    const { accessToken } = await tokens.issue({
      userId: 'usr_1',
      sessionId: 'ses_1',
      issuer: ISSUER,
    });
    // The backend refreshes its copy of the JWKS in place, as a config object is.
    jwks.keys = [...(await tokens.jwks()).keys];
    await expect(verifyAccessToken(accessToken, backend)).resolves.toMatchObject({
      sub: 'usr_1',
    });
  });

  it('follows a key replaced inside the same keys array: the new one verifies, the removed one no longer does', async () => {
    const jwks = { keys: [...(await tokens.jwks()).keys] };
    const backend = { issuer: ISSUER, jwks, now: clock.now };
    await expect(verifyAccessToken(unbound, backend)).resolves.toBeDefined();

    // Another issuer's key takes the old one's place, at the same count.
    const other = createTokenIssuer({
      store: createMemoryStore({ now: clock.now }),
      now: clock.now,
    });
    const { accessToken } = await other.issue({
      userId: 'usr_2',
      sessionId: 'ses_2',
      issuer: ISSUER,
    });
    jwks.keys.splice(0, jwks.keys.length, ...(await other.jwks()).keys);
    await expect(verifyAccessToken(accessToken, backend)).resolves.toMatchObject({ sub: 'usr_2' });
    await refusedWith(verifyAccessToken(unbound, backend), 'unauthorized');
  });

  it('does not answer 401 invalid_token when the JWKS endpoint is down', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await outcomeOf(
        verifyAccessToken(unbound, {
          issuer: ISSUER,
          jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          now: clock.now,
        }),
      );
      // An outage of the session server's JWKS is not the client's bad credential: a 401
      // makes every client refresh and replay; the app should answer 5xx.
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(VerifierError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
