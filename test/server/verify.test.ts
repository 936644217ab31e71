import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/server/memoryStore';
import { createNonceManager } from '../../src/server/nonces';
import { createTokenIssuer } from '../../src/server/tokenIssuer';
import type { TokenIssuer } from '../../src/server/tokenIssuer';
import { verifyAccessToken, verifyDpopRequest } from '../../src/server/verify';
import type { VerifyDpopRequestOptions } from '../../src/server/verify';
import { createProofKey } from './helpers/dpop';
import type { ProofKey } from './helpers/dpop';
import { athOf, createClock, createDpopKey, makeProof } from './helpers/joseProofs';
import { refusedWith } from './helpers/refusedWith';

const ISSUER = 'https://auth.example.com';
const API = 'https://api.example.com/orders/42';

let clock: ReturnType<typeof createClock>;
let tokens: TokenIssuer;
let device: ProofKey;
let jkt: string;
let bound: string;
let unbound: string;
let options: VerifyDpopRequestOptions;

beforeEach(async () => {
  clock = createClock();
  const store = createMemoryStore({ now: clock.now });
  tokens = createTokenIssuer({ store, now: clock.now });
  device = await createProofKey();
  jkt = device.jkt;
  const base = { userId: 'usr_1', sessionId: 'ses_1', issuer: ISSUER };
  bound = (await tokens.issue({ ...base, jkt })).accessToken;
  unbound = (await tokens.issue(base)).accessToken;
  options = { issuer: ISSUER, jwks: await tokens.jwks(), now: clock.now };
});

async function signedRequest(
  token: string,
  init: { method?: string; url?: string; htu?: string; proofOptions?: object } = {},
): Promise<Request> {
  const method = init.method ?? 'GET';
  const url = init.url ?? API;
  const dpop = await device.sign({
    htm: method,
    htu: init.htu ?? url,
    iat: clock.seconds(),
    accessToken: token,
    ...init.proofOptions,
  });
  return new Request(url, { method, headers: { authorization: `DPoP ${token}`, dpop } });
}

describe('verifyAccessToken', () => {
  it('returns the claims of a token signed by a key in the JWKS', async () => {
    await expect(verifyAccessToken(bound, options)).resolves.toMatchObject({
      iss: ISSUER,
      sub: 'usr_1',
      sid: 'ses_1',
      cnf: { jkt },
    });
  });

  it('refuses an expired token, another issuer and a key not in the JWKS', async () => {
    await refusedWith(
      verifyAccessToken(bound, { ...options, issuer: 'https://x.example' }),
      'unauthorized',
    );
    const stranger = createTokenIssuer({ store: createMemoryStore(), now: clock.now });
    await refusedWith(
      verifyAccessToken(bound, { ...options, jwks: await stranger.jwks() }),
      'unauthorized',
    );
    clock.advance(300);
    await refusedWith(verifyAccessToken(bound, options), 'unauthorized');
  });

  it('tolerates clock skew on exp when asked to', async () => {
    clock.advance(305);
    await expect(
      verifyAccessToken(bound, { ...options, clockToleranceSeconds: 10 }),
    ).resolves.toBeDefined();
  });

  it('refuses the token of an ended session with reason revoked', async () => {
    const error = await refusedWith(
      verifyAccessToken(bound, { ...options, isSessionActive: (sid) => sid !== 'ses_1' }),
      'unauthorized',
    );
    expect(error.reason).toBe('revoked');
  });

  it('checks its inputs with TypeErrors', async () => {
    await expect(verifyAccessToken(42 as never, options)).rejects.toThrow(
      '"token" must be a string',
    );
    await expect(verifyAccessToken(bound, { ...options, issuer: 7 as never })).rejects.toThrow(
      '"issuer" must be a string',
    );
    await expect(verifyAccessToken(bound, { issuer: ISSUER })).rejects.toThrow(TypeError);
    await expect(
      verifyAccessToken(bound, { issuer: ISSUER, jwksUrl: 'not a url' }),
    ).rejects.toThrow(TypeError);
    await expect(verifyAccessToken(bound, { ...options, jwks: {} as never })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('verifyDpopRequest', () => {
  it('accepts a request signed with a browser-style WebCrypto proof', async () => {
    await expect(verifyDpopRequest(await signedRequest(bound), options)).resolves.toMatchObject({
      sub: 'usr_1',
      cnf: { jkt },
    });
  });

  it('accepts proofs signed by jose, too', async () => {
    const key = await createDpopKey();
    const token = (
      await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER, jkt: key.jkt })
    ).accessToken;
    const dpop = await makeProof(key, {
      htm: 'POST',
      htu: API,
      iat: clock.seconds(),
      ath: await athOf(token),
    });
    const request = new Request(API, {
      method: 'POST',
      headers: { authorization: `DPoP ${token}`, dpop },
    });
    await expect(verifyDpopRequest(request, options)).resolves.toMatchObject({ sub: 'u' });
  });

  it('accepts an unbound token as Bearer', async () => {
    const request = new Request(API, { headers: { authorization: `Bearer ${unbound}` } });
    await expect(verifyDpopRequest(request, options)).resolves.toMatchObject({ sub: 'usr_1' });
  });

  it('reads Node-style requests with a header record', async () => {
    const request = await signedRequest(bound);
    const nodeStyle = {
      method: 'GET',
      url: '/orders/42',
      headers: {
        Authorization: request.headers.get('authorization')!,
        dpop: request.headers.get('dpop')!,
      },
    };
    await expect(
      verifyDpopRequest(nodeStyle, { ...options, publicOrigin: 'https://api.example.com' }),
    ).resolves.toBeDefined();
  });

  it('refuses several headers given as an array', async () => {
    const request = await signedRequest(bound);
    const authorization = request.headers.get('authorization')!;
    await refusedWith(
      verifyDpopRequest(
        { method: 'GET', url: API, headers: { authorization: [authorization, authorization] } },
        options,
      ),
      'unauthorized',
    );
  });

  it('uses publicOrigin for htu behind a TLS proxy', async () => {
    const behindProxy = await signedRequest(bound, {
      url: 'http://10.0.0.7:3000/orders/42?x=1',
      htu: API,
    });
    await refusedWith(verifyDpopRequest(behindProxy.clone(), options), 'invalid_dpop_proof');
    await expect(
      verifyDpopRequest(behindProxy, { ...options, publicOrigin: 'https://api.example.com' }),
    ).resolves.toBeDefined();
  });

  it('answers every failure with its protocol code', async () => {
    await refusedWith(verifyDpopRequest(new Request(API), options), 'unauthorized');
    await refusedWith(
      verifyDpopRequest(new Request(API, { headers: { authorization: `DPoP ${bound}` } }), options),
      'missing_dpop_proof',
    );
    await refusedWith(
      verifyDpopRequest(
        await signedRequest(bound, { method: 'DELETE', htu: API, proofOptions: { htm: 'GET' } }),
        options,
      ),
      'invalid_dpop_proof',
    );
    await refusedWith(
      verifyDpopRequest(
        await signedRequest(bound, { proofOptions: { accessToken: 'other' } }),
        options,
      ),
      'invalid_dpop_proof',
    );
    const nonce = createNonceManager({
      store: createMemoryStore(),
      now: clock.now,
      required: true,
    });
    const error = await refusedWith(
      verifyDpopRequest(await signedRequest(bound), { ...options, nonce }),
      'use_dpop_nonce',
    );
    await expect(
      verifyDpopRequest(await signedRequest(bound, { proofOptions: { nonce: error.nonce } }), {
        ...options,
        nonce,
      }),
    ).resolves.toBeDefined();
    device = await createProofKey();
    await refusedWith(verifyDpopRequest(await signedRequest(bound), options), 'dpop_key_mismatch');
  });

  it('refuses a replayed request with its default replay cache', async () => {
    const request = await signedRequest(bound);
    await verifyDpopRequest(request.clone(), options);
    await refusedWith(verifyDpopRequest(request, options), 'invalid_dpop_proof');
  });

  it('refuses a replay when options are built per request, with an inline now', async () => {
    const request = await signedRequest(bound);
    const perRequest = () => ({ ...options, now: () => clock.now() });
    await verifyDpopRequest(request.clone(), perRequest());
    await refusedWith(verifyDpopRequest(request, perRequest()), 'invalid_dpop_proof');
  });

  it('refuses a proof outside the iat window', async () => {
    const request = await signedRequest(bound);
    clock.advance(61);
    await refusedWith(verifyDpopRequest(request, options), 'invalid_dpop_proof');
  });

  it('refuses the request of an ended session', async () => {
    const error = await refusedWith(
      verifyDpopRequest(await signedRequest(bound), {
        ...options,
        isSessionActive: async () => false,
      }),
      'unauthorized',
    );
    expect(error.reason).toBe('revoked');
  });

  it('gives a ready 401 answer with a challenge', async () => {
    const error = await refusedWith(
      verifyDpopRequest(new Request(API, { headers: { authorization: `DPoP ${bound}` } }), options),
      'missing_dpop_proof',
    );
    const response = error.toResponse();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      code: 'missing_dpop_proof',
      type: 'unauthorized',
    });
  });

  it('checks its inputs with TypeErrors', async () => {
    await expect(verifyDpopRequest(null as never, options)).rejects.toThrow(TypeError);
    await expect(
      verifyDpopRequest({ method: 'GET', url: '/relative', headers: {} }, options),
    ).rejects.toThrow(TypeError);
    await expect(
      verifyDpopRequest(new Request(API), { ...options, publicOrigin: 'nope' }),
    ).rejects.toThrow('"publicOrigin" must be an absolute URL string');
  });

  describe('behind node:http', () => {
    async function viaNode(headers: Record<string, string | string[]>): Promise<unknown> {
      let outcome: unknown;
      const server = createServer((req: IncomingMessage, res) => {
        verifyDpopRequest(req as IncomingMessage & { url: string; method: string }, {
          ...options,
          publicOrigin: 'https://api.example.com',
        })
          .then(
            (claims) => (outcome = claims),
            (error: unknown) => (outcome = error),
          )
          .finally(() => res.end());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        httpRequest(
          { host: '127.0.0.1', port, path: '/orders/42', method: 'GET', headers },
          (res) => {
            res.resume().on('end', resolve);
          },
        )
          .on('error', reject)
          .end();
      });
      await new Promise((resolve) => server.close(resolve));
      return outcome;
    }

    it('accepts an IncomingMessage with publicOrigin', async () => {
      const signed = await signedRequest(bound);
      const claims = await viaNode({
        authorization: signed.headers.get('authorization')!,
        dpop: signed.headers.get('dpop')!,
      });
      expect(claims).toMatchObject({ sub: 'usr_1' });
    });

    it('sees several Authorization headers that node:http folds into the first', async () => {
      const signed = await signedRequest(bound);
      const authorization = signed.headers.get('authorization')!;
      const outcome = await viaNode({
        authorization: [authorization, `Bearer ${unbound}`],
        dpop: signed.headers.get('dpop')!,
      });
      expect(outcome).toMatchObject({ code: 'unauthorized' });
    });
  });

  describe('with a jwksUrl', () => {
    let server: ReturnType<typeof createServer>;
    let fetches = 0;

    beforeEach(async () => {
      fetches = 0;
      const body = JSON.stringify(await tokens.jwks());
      server = createServer((_req, res) => {
        fetches += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('fetches the JWKS once and keeps using it', async () => {
      const { port } = server.address() as AddressInfo;
      const remote = {
        issuer: ISSUER,
        jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        now: clock.now,
      };
      await expect(verifyDpopRequest(await signedRequest(bound), remote)).resolves.toBeDefined();
      await expect(verifyAccessToken(unbound, remote)).resolves.toBeDefined();
      expect(fetches).toBe(1);
      const stranger = createTokenIssuer({ store: createMemoryStore(), now: clock.now });
      const foreign = await stranger.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      await refusedWith(verifyAccessToken(foreign.accessToken, remote), 'unauthorized');
    });
  });
});
