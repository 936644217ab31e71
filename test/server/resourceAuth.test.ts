import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { VerifierErrorCode } from '../../src/server/errors';
import { createMemoryStore } from '../../src/server/memoryStore';
import { createNonceManager } from '../../src/server/nonces';
import { createStoreReplayCache } from '../../src/server/proofVerifier';
import { authenticateResourceRequest } from '../../src/server/resourceAuth';
import type { ResourceAuthOptions } from '../../src/server/resourceAuth';
import type { SessionStore } from '../../src/server/store';
import { createTokenIssuer } from '../../src/server/tokenIssuer';
import type { TokenIssuer } from '../../src/server/tokenIssuer';
import { refusedWith as expectRefusal } from './helpers/refusedWith';
import { athOf, createClock, createDpopKey, makeProof } from './helpers/joseProofs';
import type { DpopKey } from './helpers/joseProofs';

const ISSUER = 'https://auth.example.com';
const URL_ = 'https://auth.example.com/v1/session/me/list';

let clock: ReturnType<typeof createClock>;
let store: SessionStore;
let tokens: TokenIssuer;
let key: DpopKey;
let bound: string;
let unbound: string;

beforeEach(async () => {
  clock = createClock();
  store = createMemoryStore({ now: clock.now });
  tokens = createTokenIssuer({ store, now: clock.now });
  key = await createDpopKey();
  const base = { userId: 'usr_1', sessionId: 'ses_1', issuer: ISSUER };
  bound = (await tokens.issue({ ...base, jkt: key.jkt })).accessToken;
  unbound = (await tokens.issue(base)).accessToken;
});

async function proofFor(token: string | undefined, signer: DpopKey = key, extra = {}) {
  return makeProof(signer, {
    htm: 'GET',
    htu: URL_,
    iat: clock.seconds(),
    ...(token === undefined ? {} : { ath: await athOf(token) }),
    ...extra,
  });
}

function authenticate(options: Partial<ResourceAuthOptions>) {
  return authenticateResourceRequest({
    authorization: null,
    dpop: null,
    method: 'GET',
    url: URL_,
    nowSeconds: clock.seconds(),
    verifyToken: (token) => tokens.verify(token, { issuer: ISSUER }),
    replay: createStoreReplayCache(store),
    ...options,
  });
}

async function refusedWith(promise: Promise<unknown>, code: VerifierErrorCode) {
  const error = await expectRefusal(promise, code);
  expect(error.status).toBe(401);
  return error;
}

describe('authenticateResourceRequest', () => {
  it('accepts a bound token with a proof by its key', async () => {
    const result = await authenticate({
      authorization: `DPoP ${bound}`,
      dpop: await proofFor(bound),
    });
    expect(result.claims).toMatchObject({ sub: 'usr_1', sid: 'ses_1', cnf: { jkt: key.jkt } });
    expect(result.proof?.jkt).toBe(key.jkt);
  });

  it('accepts an unbound token as Bearer without a proof', async () => {
    const result = await authenticate({ authorization: `Bearer ${unbound}` });
    expect(result.claims.sub).toBe('usr_1');
    expect(result.proof).toBeUndefined();
  });

  it('reads scheme names case-insensitively', async () => {
    await expect(
      authenticate({ authorization: `dpop ${bound}`, dpop: await proofFor(bound) }),
    ).resolves.toBeDefined();
    await expect(authenticate({ authorization: `BEARER ${unbound}` })).resolves.toBeDefined();
  });

  it('answers a request without a token with a bare challenge', async () => {
    const error = await refusedWith(authenticate({}), 'unauthorized');
    expect(error.wwwAuthenticate).toBe('DPoP algs="ES256"');
  });

  it('refuses several Authorization headers', async () => {
    await refusedWith(
      authenticate({ authorization: `Bearer ${unbound}, Bearer ${unbound}` }),
      'unauthorized',
    );
  });

  it.each(['Token abc', 'DPoP', 'Bearer  ', 'Basic dXNlcjpwdw==', 'Bearer a b'])(
    'refuses the malformed Authorization %j',
    async (authorization) => {
      await refusedWith(authenticate({ authorization }), 'unauthorized');
    },
  );

  it('refuses a token with a bad signature, an expired one and one of another issuer', async () => {
    const [h, p] = unbound.split('.');
    await refusedWith(authenticate({ authorization: `Bearer ${h}.${p}.AAAA` }), 'unauthorized');
    await refusedWith(
      authenticate({
        authorization: `Bearer ${unbound}`,
        verifyToken: (token) => tokens.verify(token, { issuer: 'https://other.example' }),
      }),
      'unauthorized',
    );
    clock.advance(301);
    const error = await refusedWith(
      authenticate({ authorization: `Bearer ${unbound}` }),
      'unauthorized',
    );
    expect(error.wwwAuthenticate).toMatch(/^Bearer error="invalid_token"/);
  });

  it('checks the token before the proof', async () => {
    await refusedWith(authenticate({ authorization: 'DPoP not.a.token' }), 'unauthorized');
  });

  it('refuses a bound token sent as Bearer, with a DPoP challenge', async () => {
    const error = await refusedWith(
      authenticate({ authorization: `Bearer ${bound}`, dpop: await proofFor(bound) }),
      'unauthorized',
    );
    expect(error.scheme).toBe('DPoP');
    expect(error.wwwAuthenticate).toMatch(/^DPoP error="invalid_token"/);
  });

  it('refuses an unbound token sent as DPoP, with a Bearer challenge', async () => {
    const error = await refusedWith(
      authenticate({ authorization: `DPoP ${unbound}`, dpop: await proofFor(unbound) }),
      'unauthorized',
    );
    expect(error.scheme).toBe('Bearer');
  });

  it('wants a proof for a bound token', async () => {
    await refusedWith(authenticate({ authorization: `DPoP ${bound}` }), 'missing_dpop_proof');
  });

  it('wants the proof to carry the hash of this token', async () => {
    await refusedWith(
      authenticate({ authorization: `DPoP ${bound}`, dpop: await proofFor(undefined) }),
      'invalid_dpop_proof',
    );
    const error = await refusedWith(
      authenticate({ authorization: `DPoP ${bound}`, dpop: await proofFor(unbound) }),
      'invalid_dpop_proof',
    );
    expect(error.wwwAuthenticate).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  it('refuses a replayed proof', async () => {
    const dpop = await proofFor(bound);
    await authenticate({ authorization: `DPoP ${bound}`, dpop });
    await refusedWith(authenticate({ authorization: `DPoP ${bound}`, dpop }), 'invalid_dpop_proof');
  });

  it('asks for a nonce when one is required', async () => {
    const nonce = createNonceManager({ store, now: clock.now, required: true });
    const error = await refusedWith(
      authenticate({ authorization: `DPoP ${bound}`, dpop: await proofFor(bound), nonce }),
      'use_dpop_nonce',
    );
    expect(error.nonce).toBe(await nonce.current());
    expect(error.wwwAuthenticate).toMatch(/^DPoP error="use_dpop_nonce"/);
    await expect(
      authenticate({
        authorization: `DPoP ${bound}`,
        dpop: await proofFor(bound, key, { nonce: error.nonce }),
        nonce,
      }),
    ).resolves.toBeDefined();
  });

  it('refuses a valid proof by another key than the bound one', async () => {
    const thief = await createDpopKey();
    await refusedWith(
      authenticate({ authorization: `DPoP ${bound}`, dpop: await proofFor(bound, thief) }),
      'dpop_key_mismatch',
    );
  });

  it('checks the key binding before the session', async () => {
    const thief = await createDpopKey();
    await refusedWith(
      authenticate({
        authorization: `DPoP ${bound}`,
        dpop: await proofFor(bound, thief),
        isSessionActive: () => false,
      }),
      'dpop_key_mismatch',
    );
  });

  it('refuses the token of an ended session with reason revoked', async () => {
    const isSessionActive = vi.fn(async (sid: string) => sid !== 'ses_1');
    const error = await refusedWith(
      authenticate({
        authorization: `DPoP ${bound}`,
        dpop: await proofFor(bound),
        isSessionActive,
      }),
      'unauthorized',
    );
    expect(error.reason).toBe('revoked');
    expect(isSessionActive).toHaveBeenCalledWith('ses_1');
    await refusedWith(
      authenticate({ authorization: `Bearer ${unbound}`, isSessionActive }),
      'unauthorized',
    );
    await expect(
      authenticate({ authorization: `Bearer ${unbound}`, isSessionActive: () => true }),
    ).resolves.toBeDefined();
  });

  it('lets an untyped failure of verifyToken through: the check could not be made (a 5xx, not a 401)', async () => {
    const boom = new Error('JWKS endpoint down');
    await expect(
      authenticate({
        authorization: `Bearer ${unbound}`,
        verifyToken: () => Promise.reject(boom),
      }),
    ).rejects.toBe(boom);
  });
});
