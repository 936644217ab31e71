import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/server/memoryStore';
import { createNonceManager } from '../../src/server/nonces';
import {
  createMemoryReplayCache,
  createStoreReplayCache,
  normalizeHtu,
  verifyProof,
} from '../../src/server/proofVerifier';
import type { ReplayCache, VerifyProofOptions } from '../../src/server/proofVerifier';
import type { SessionStore } from '../../src/server/store';
import { athOf, createClock, createDpopKey, makeProof, unsignedJws } from './helpers/joseProofs';
import { refusedWith } from './helpers/refusedWith';
import type { DpopKey, ProofInput } from './helpers/joseProofs';

const URL_ = 'https://api.example.com/v1/session/refresh';

let clock: ReturnType<typeof createClock>;
let store: SessionStore;
let replay: ReplayCache;
let key: DpopKey;

beforeEach(async () => {
  clock = createClock();
  store = createMemoryStore({ now: clock.now });
  replay = createStoreReplayCache(store);
  key = await createDpopKey();
});

function proof(input: Partial<ProofInput> = {}, signer: DpopKey = key): Promise<string> {
  return makeProof(signer, { htm: 'POST', htu: URL_, iat: clock.seconds(), ...input });
}

function check(header: string | null, extra: Partial<VerifyProofOptions> = {}) {
  return verifyProof({
    header,
    method: 'POST',
    url: URL_,
    nowSeconds: clock.seconds(),
    replay,
    ...extra,
  });
}

describe('verifyProof', () => {
  it('accepts a well-formed proof and reports its key thumbprint and claims', async () => {
    const verified = await check(await proof({ jti: 'abc' }));
    expect(verified.jkt).toBe(key.jkt);
    expect(verified.jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.publicJwk.x,
      y: key.publicJwk.y,
    });
    expect(verified.claims).toMatchObject({ jti: 'abc', htm: 'POST', htu: URL_ });
  });

  it('refuses a request without a proof as missing_dpop_proof', async () => {
    await refusedWith(check(null), 'missing_dpop_proof');
    await refusedWith(check(''), 'missing_dpop_proof');
  });

  it('refuses several DPoP headers', async () => {
    const one = await proof();
    const two = await proof();
    await refusedWith(check(`${one}, ${two}`), 'invalid_dpop_proof');
  });

  it.each([
    'abc',
    'a.b',
    'a.b.c.d',
    '..',
    'e30.e30.',
    '!!!.e30.AAAA',
    'A.e30.AAAA',
    'e30.e30.AAAA',
  ])('refuses %j, which is not a usable compact JWS', async (header) => {
    await refusedWith(check(header), 'invalid_dpop_proof');
  });

  it.each([['JWT'], ['DPoP+JWT'], ['dpop+jwt '], [undefined]])('refuses typ %j', async (typ) => {
    await refusedWith(check(await proof({ header: { typ } })), 'invalid_dpop_proof');
  });

  it('refuses alg none', async () => {
    const header = unsignedJws(
      { typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk },
      { jti: 'x', htm: 'POST', htu: URL_, iat: clock.seconds() },
    );
    await refusedWith(check(header), 'invalid_dpop_proof');
  });

  it('refuses HS256, even keyed with the public key material', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const hs = await new SignJWT({ jti: 'x', htm: 'POST', htu: URL_, iat: clock.seconds() })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk })
      .sign(secret);
    await refusedWith(check(hs), 'invalid_dpop_proof');
  });

  it('refuses RS256 with an RSA key', async () => {
    const rsa = await generateKeyPair('RS256');
    const jwk = await exportJWK(rsa.publicKey);
    const rs = await new SignJWT({ jti: 'x', htm: 'POST', htu: URL_, iat: clock.seconds() })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'RS256', jwk })
      .sign(rsa.privateKey);
    await refusedWith(check(rs), 'invalid_dpop_proof');
  });

  it('refuses a jwk that carries private key material', async () => {
    const extractable = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(extractable.privateKey);
    const signer: DpopKey = { ...key, privateKey: extractable.privateKey, publicJwk: privateJwk };
    await refusedWith(check(await proof({}, signer)), 'invalid_dpop_proof');
    for (const member of ['p', 'q', 'dp', 'dq', 'qi', 'k']) {
      const jwk = { ...key.publicJwk, [member]: 'AQAB' };
      await refusedWith(check(await proof({ header: { jwk } })), 'invalid_dpop_proof');
    }
  });

  it('refuses a jwk that is not an EC P-256 public key', async () => {
    const p384 = await exportJWK((await generateKeyPair('ES384')).publicKey);
    const ed = await exportJWK((await generateKeyPair('EdDSA')).publicKey);
    for (const jwk of [p384, ed, { ...key.publicJwk, x: 123 }, 'jwk', undefined]) {
      await refusedWith(check(await proof({ header: { jwk } })), 'invalid_dpop_proof');
    }
  });

  it('refuses a point that is not on the curve', async () => {
    const jwk = { ...key.publicJwk, y: key.publicJwk.x };
    await refusedWith(check(await proof({ header: { jwk } })), 'invalid_dpop_proof');
  });

  it('refuses a signature by another key than the embedded jwk', async () => {
    const other = await createDpopKey();
    await refusedWith(
      check(await proof({ header: { jwk: key.publicJwk } }, other)),
      'invalid_dpop_proof',
    );
  });

  it('refuses a proof whose payload was altered after signing', async () => {
    const [h, , s] = (await proof()).split('.');
    const forged = unsignedJws({}, { jti: 'x', htm: 'POST', htu: URL_, iat: clock.seconds() });
    await refusedWith(check(`${h}.${forged.split('.')[1]}.${s}`), 'invalid_dpop_proof');
  });

  it('refuses another method in htm, and a lower-cased one', async () => {
    await refusedWith(check(await proof({ htm: 'GET' })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ htm: 'post' })), 'invalid_dpop_proof');
  });

  it('refuses another URL in htu', async () => {
    for (const htu of [
      'https://api.example.com/v1/session/revoke',
      'https://evil.example.com/v1/session/refresh',
      'http://api.example.com/v1/session/refresh',
      'https://api.example.com:8443/v1/session/refresh',
      'not a url',
    ]) {
      await refusedWith(check(await proof({ htu })), 'invalid_dpop_proof');
    }
    await refusedWith(check(await proof({ claims: { htu: 42 } })), 'invalid_dpop_proof');
  });

  it('compares htu after stripping query and fragment and WHATWG normalisation', async () => {
    for (const htu of [
      `${URL_}?a=1`,
      `${URL_}#frag`,
      'HTTPS://API.Example.COM:443/v1/session/refresh',
    ]) {
      await expect(check(await proof({ htu }))).resolves.toMatchObject({ jkt: key.jkt });
    }
    await expect(check(await proof(), { url: `${URL_}?page=2` })).resolves.toBeDefined();
  });

  it('accepts iat within 60 seconds either way and refuses it beyond', async () => {
    const now = clock.seconds();
    await expect(check(await proof({ iat: now - 60 }))).resolves.toBeDefined();
    await expect(check(await proof({ iat: now + 60 }))).resolves.toBeDefined();
    await refusedWith(check(await proof({ iat: now - 61 })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ iat: now + 61 })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ claims: { iat: String(now) } })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ claims: { iat: undefined } })), 'invalid_dpop_proof');
  });

  it('honours a custom iat window', async () => {
    const stale = await proof({ iat: clock.seconds() - 100 });
    await refusedWith(check(stale), 'invalid_dpop_proof');
    await expect(check(stale, { iatWindowSeconds: 120 })).resolves.toBeDefined();
  });

  it('refuses a missing, empty, non-string or over-long jti and accepts 256 characters', async () => {
    await refusedWith(check(await proof({ claims: { jti: undefined } })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ jti: '' })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ claims: { jti: 7 } })), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ jti: 'j'.repeat(257) })), 'invalid_dpop_proof');
    await expect(check(await proof({ jti: 'j'.repeat(256) }))).resolves.toBeDefined();
  });

  it('accepts a jti once per key', async () => {
    const first = await proof({ jti: 'once' });
    await check(first);
    await refusedWith(check(first), 'invalid_dpop_proof');
    await refusedWith(check(await proof({ jti: 'once' })), 'invalid_dpop_proof');
    const other = await createDpopKey();
    await expect(check(await proof({ jti: 'once' }, other))).resolves.toBeDefined();
  });

  it('remembers a jti until its iat plus 65 seconds, so a future-dated proof cannot return', async () => {
    const future = await proof({ jti: 'future', iat: clock.seconds() + 60 });
    await check(future);
    clock.advance(110);
    await refusedWith(check(future), 'invalid_dpop_proof');
  });

  it('records a jti only after every other check passed', async () => {
    await refusedWith(check(await proof({ jti: 'late', htm: 'GET' })), 'invalid_dpop_proof');
    await expect(check(await proof({ jti: 'late' }))).resolves.toBeDefined();
  });

  it('refuses a proof over 8 KiB, and honours maxLength', async () => {
    const big = await proof({ claims: { pad: 'x'.repeat(8192) } });
    await refusedWith(check(big), 'invalid_dpop_proof');
    const small = await proof();
    await refusedWith(check(small, { maxLength: 100 }), 'invalid_dpop_proof');
  });

  describe('with a required nonce', () => {
    it('asks for the current nonce when the proof has none', async () => {
      const nonces = createNonceManager({ store, now: clock.now, required: true });
      const error = await refusedWith(check(await proof(), { nonce: nonces }), 'use_dpop_nonce');
      expect(error.nonce).toBe(await nonces.current());
    });

    it('asks again when the nonce is stale, and accepts the current one', async () => {
      const nonces = createNonceManager({ store, now: clock.now, required: true });
      const old = await nonces.current();
      clock.advance(600);
      await refusedWith(check(await proof({ nonce: old }), { nonce: nonces }), 'use_dpop_nonce');
      await refusedWith(
        check(await proof({ nonce: 'made-up' }), { nonce: nonces }),
        'use_dpop_nonce',
      );
      const fresh = await nonces.current();
      await expect(check(await proof({ nonce: fresh }), { nonce: nonces })).resolves.toMatchObject({
        claims: { nonce: fresh },
      });
    });

    it('reports a malformed proof before the nonce, and the nonce before a replay', async () => {
      const nonces = createNonceManager({ store, now: clock.now, required: true });
      await refusedWith(
        check(await proof({ htm: 'GET' }), { nonce: nonces }),
        'invalid_dpop_proof',
      );
      const used = await proof({ nonce: await nonces.current(), jti: 'r' });
      await check(used, { nonce: nonces });
      clock.advance(601);
      const replayed = await proof({ jti: 'r' });
      await refusedWith(check(replayed, { nonce: nonces }), 'use_dpop_nonce');
    });
  });

  it('ignores a nonce claim when nonces are not required', async () => {
    const nonces = createNonceManager({ store, now: clock.now });
    await expect(
      check(await proof({ nonce: 'anything' }), { nonce: nonces }),
    ).resolves.toBeDefined();
    await expect(check(await proof({ nonce: 'anything' }))).resolves.toBeDefined();
  });

  describe('with an access token', () => {
    const token = 'eyJ.access.token';

    it('requires ath to be the hash of the token', async () => {
      await refusedWith(check(await proof(), { accessToken: token }), 'invalid_dpop_proof');
      await refusedWith(
        check(await proof({ ath: await athOf('another') }), { accessToken: token }),
        'invalid_dpop_proof',
      );
      await expect(
        check(await proof({ ath: await athOf(token) }), { accessToken: token }),
      ).resolves.toBeDefined();
    });
  });

  it('never puts the proof in an error message or an enumerable property', async () => {
    const bad = await proof({ htm: 'DELETE' });
    const error = await refusedWith(check(bad), 'invalid_dpop_proof');
    const payload = bad.split('.')[1]!;
    for (const text of [error.message, error.wwwAuthenticate, JSON.stringify(error)]) {
      expect(text).not.toContain(payload);
    }
  });
});

describe('normalizeHtu', () => {
  it('lower-cases scheme and host, drops default port, query, fragment and credentials', () => {
    expect(normalizeHtu('HTTPS://user:pw@Example.COM:443/A/b?c=1#d')).toBe(
      'https://example.com/A/b',
    );
    expect(normalizeHtu('http://example.com:80')).toBe('http://example.com/');
    expect(normalizeHtu('http://example.com:8080/x')).toBe('http://example.com:8080/x');
  });

  it('throws on something that is not a URL', () => {
    expect(() => normalizeHtu('/relative')).toThrow(TypeError);
  });
});

describe('createStoreReplayCache', () => {
  it('shares what it remembers between instances on one store', async () => {
    const a = createStoreReplayCache(store);
    const b = createStoreReplayCache(store);
    const until = clock.seconds() + 65;
    expect(await a.checkAndRecord('k', 'j', until)).toBe(true);
    expect(await b.checkAndRecord('k', 'j', until)).toBe(false);
    clock.advance(66);
    expect(await b.checkAndRecord('k', 'j', until + 66)).toBe(true);
  });
});

describe('createMemoryReplayCache', () => {
  it('accepts each jti once per key until it expires', async () => {
    const cache = createMemoryReplayCache({ now: clock.now });
    const until = clock.seconds() + 65;
    expect(await cache.checkAndRecord('k1', 'j', until)).toBe(true);
    expect(await cache.checkAndRecord('k1', 'j', until)).toBe(false);
    expect(await cache.checkAndRecord('k2', 'j', until)).toBe(true);
    clock.advance(66);
    expect(await cache.checkAndRecord('k1', 'j', clock.seconds() + 65)).toBe(true);
  });

  it('stays bounded by forgetting the oldest entries first', async () => {
    const cache = createMemoryReplayCache({ now: clock.now, maxEntries: 2 });
    const until = clock.seconds() + 65;
    await cache.checkAndRecord('k', 'a', until);
    await cache.checkAndRecord('k', 'b', until);
    await cache.checkAndRecord('k', 'c', until);
    expect(await cache.checkAndRecord('k', 'c', until)).toBe(false);
    expect(await cache.checkAndRecord('k', 'a', until)).toBe(true);
  });

  it('rejects a maxEntries that is not a positive integer', () => {
    expect(() => createMemoryReplayCache({ maxEntries: 0 })).toThrow(TypeError);
  });
});
