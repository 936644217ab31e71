import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
} from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../src/server/errors';
import { createMemoryStore } from '../../src/server/memoryStore';
import type { SessionStore } from '../../src/server/store';
import { createTokenIssuer, JWKS_MAX_AGE_SECONDS } from '../../src/server/tokenIssuer';
import type { TokenIssuer } from '../../src/server/tokenIssuer';
import { createClock } from './helpers/joseProofs';

const ISSUER = 'https://auth.example.com';

/** What the issuer keeps under `signing-keys`, as far as these tests read it. */
type KeyRingShape = { retired: Array<{ kid: string }> };

let clock: ReturnType<typeof createClock>;
let store: SessionStore;

beforeEach(() => {
  clock = createClock();
  store = createMemoryStore({ now: clock.now });
});

function issuer(ttl?: number) {
  return createTokenIssuer({
    store,
    now: clock.now,
    ...(ttl === undefined ? {} : { accessTokenTtlSeconds: ttl }),
  });
}

describe('createTokenIssuer', () => {
  it('signs an ES256 at+jwt whose kid is the key thumbprint and whose claims are the session', async () => {
    const tokens = issuer();
    const { accessToken, expiresAt } = await tokens.issue({
      userId: 'usr_1',
      sessionId: 'ses_1',
      issuer: ISSUER,
      profile: { email: 'a@example.com', name: 'Ada' },
    });
    const header = decodeProtectedHeader(accessToken);
    const { keys } = await tokens.jwks();
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(keys).toHaveLength(1);
    expect(header.kid).toBe(await calculateJwkThumbprint(keys[0] as never, 'sha256'));
    const { payload } = await jwtVerify(
      accessToken,
      createLocalJWKSet((await tokens.jwks()) as never),
      {
        issuer: ISSUER,
        currentDate: new Date(clock.now()),
      },
    );
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: 'usr_1',
      sid: 'ses_1',
      iat: clock.seconds(),
      exp: clock.seconds() + 300,
      email: 'a@example.com',
      name: 'Ada',
    });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.cnf).toBeUndefined();
    expect(expiresAt).toBe(payload.exp);
  });

  it('publishes only public keys', async () => {
    const { keys } = await issuer().jwks();
    for (const key of keys)
      for (const member of ['d', 'p', 'q', 'k']) expect(key).not.toHaveProperty(member);
  });

  it('binds a token to a key with cnf.jkt', async () => {
    const { accessToken } = await issuer().issue({
      userId: 'u',
      sessionId: 's',
      issuer: ISSUER,
      jkt: 'thumbprint',
    });
    expect(decodeJwt(accessToken).cnf).toEqual({ jkt: 'thumbprint' });
  });

  it('gives each token its own jti', async () => {
    const tokens = issuer();
    const input = { userId: 'u', sessionId: 's', issuer: ISSUER };
    const a = decodeJwt((await tokens.issue(input)).accessToken);
    const b = decodeJwt((await tokens.issue(input)).accessToken);
    expect(a.jti).not.toBe(b.jti);
  });

  it('never lets a token outlive its session', async () => {
    const end = clock.seconds() + 42;
    const { accessToken, expiresAt } = await issuer().issue({
      userId: 'u',
      sessionId: 's',
      issuer: ISSUER,
      notAfterSeconds: end,
    });
    expect(expiresAt).toBe(end);
    expect(decodeJwt(accessToken).exp).toBe(end);
  });

  it('keeps reserved claims out of reach of the profile', async () => {
    const { accessToken } = await issuer().issue({
      userId: 'u',
      sessionId: 's',
      issuer: ISSUER,
      profile: {
        iss: 'https://evil.example',
        sub: 'admin',
        aud: 'anything',
        sid: 'other',
        iat: 1,
        exp: 9_999_999_999,
        nbf: 1,
        jti: 'fixed',
        cnf: { jkt: 'attacker' },
        role: 'reader',
      },
    });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'u', sid: 's', role: 'reader' });
    expect(claims.exp).toBe(clock.seconds() + 300);
    expect(claims.jti).not.toBe('fixed');
    expect(claims).not.toHaveProperty('aud');
    expect(claims).not.toHaveProperty('nbf');
    expect(claims).not.toHaveProperty('cnf');
  });

  describe('verify', () => {
    it('returns the claims of its own token', async () => {
      const tokens = issuer();
      const { accessToken } = await tokens.issue({
        userId: 'u',
        sessionId: 's',
        issuer: ISSUER,
        jkt: 'k',
      });
      await expect(tokens.verify(accessToken, { issuer: ISSUER })).resolves.toMatchObject({
        sub: 'u',
        sid: 's',
        cnf: { jkt: 'k' },
      });
    });

    it('refuses an expired token, another issuer, a tampered token and a stranger', async () => {
      const tokens = issuer();
      const { accessToken } = await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      await expect(
        tokens.verify(accessToken, { issuer: 'https://other.example' }),
      ).rejects.toBeInstanceOf(InvalidTokenError);
      const [h, p, s] = accessToken.split('.');
      const tampered = `${h}.${p!.slice(0, -2)}${p!.endsWith('A') ? 'BB' : 'AA'}.${s}`;
      await expect(tokens.verify(tampered, { issuer: ISSUER })).rejects.toMatchObject({
        code: 'unauthorized',
      });
      const stranger = createTokenIssuer({ store: createMemoryStore(), now: clock.now });
      const foreign = await stranger.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      await expect(tokens.verify(foreign.accessToken, { issuer: ISSUER })).rejects.toMatchObject({
        code: 'unauthorized',
      });
      await expect(tokens.verify('not-a-jwt', { issuer: ISSUER })).rejects.toMatchObject({
        code: 'unauthorized',
      });
      clock.advance(300);
      await expect(tokens.verify(accessToken, { issuer: ISSUER })).rejects.toMatchObject({
        code: 'unauthorized',
      });
    });
  });

  describe('key rotation', () => {
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;
    const kidsOf = async (tokens: TokenIssuer) => (await tokens.jwks()).keys.map((k) => k.kid);
    const sign = (tokens: TokenIssuer) =>
      tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });

    it('publishes the new key at once, signs with it after the JWKS max-age, and keeps the old one published until its tokens expire', async () => {
      const tokens = issuer(300);
      const oldKid = kidOf((await sign(tokens)).accessToken);
      clock.advance(100);
      await tokens.rotateSigningKey();
      const [newKid, ...others] = (await kidsOf(tokens)).filter((kid) => kid !== oldKid);
      expect(others).toEqual([]);
      expect(await kidsOf(tokens)).toEqual([oldKid, newKid]);
      expect(kidOf((await sign(tokens)).accessToken)).toBe(oldKid);

      clock.advance(JWKS_MAX_AGE_SECONDS - 1);
      const lastOld = await sign(tokens);
      expect(kidOf(lastOld.accessToken)).toBe(oldKid);
      clock.advance(1);
      const firstNew = await sign(tokens);
      expect(kidOf(firstNew.accessToken)).toBe(newKid);
      expect(await kidsOf(tokens)).toEqual([newKid, oldKid]);
      await expect(tokens.verify(lastOld.accessToken, { issuer: ISSUER })).resolves.toBeDefined();
      await expect(tokens.verify(firstNew.accessToken, { issuer: ISSUER })).resolves.toBeDefined();

      clock.advance(299);
      expect(await kidsOf(tokens)).toContain(oldKid);
      clock.advance(1);
      expect(await kidsOf(tokens)).toEqual([newKid]);
      await expect(tokens.verify(lastOld.accessToken, { issuer: ISSUER })).rejects.toMatchObject({
        code: 'unauthorized',
      });
      const latest = await sign(tokens);
      await expect(tokens.verify(latest.accessToken, { issuer: ISSUER })).resolves.toBeDefined();
    });

    it('signs only tokens that every JWKS served within its max-age can verify', async () => {
      const tokens = issuer(300);
      const served: Array<{ atMs: number; verify: ReturnType<typeof createLocalJWKSet> }> = [];
      for (let step = 0; step < 16; step += 1) {
        if (step === 3 || step === 5) await tokens.rotateSigningKey();
        served.push({ atMs: clock.now(), verify: createLocalJWKSet(await tokens.jwks()) });
        const { accessToken } = await sign(tokens);
        const cached = served.filter((jwks) => clock.now() - jwks.atMs <= 300_000);
        for (const jwks of cached) {
          await expect(
            jwtVerify(accessToken, jwks.verify, { currentDate: new Date(clock.now()) }),
          ).resolves.toBeDefined();
        }
        clock.advance(60);
      }
    });

    it('replaces a waiting key on a second rotation, and waits the max-age again', async () => {
      const tokens = issuer(300);
      const oldKid = kidOf((await sign(tokens)).accessToken);
      await tokens.rotateSigningKey();
      const [firstKid] = (await kidsOf(tokens)).filter((kid) => kid !== oldKid);
      clock.advance(100);
      await tokens.rotateSigningKey();
      const [secondKid] = (await kidsOf(tokens)).filter((kid) => kid !== oldKid);
      expect(await kidsOf(tokens)).toEqual([oldKid, secondKid]);
      expect(secondKid).not.toBe(firstKid);
      clock.advance(JWKS_MAX_AGE_SECONDS - 1);
      expect(kidOf((await sign(tokens)).accessToken)).toBe(oldKid);
      clock.advance(1);
      expect(kidOf((await sign(tokens)).accessToken)).toBe(secondKid);
    });

    it('drops long-retired keys from the store on the next rotation', async () => {
      const tokens = issuer(60);
      const [firstKid] = await kidsOf(tokens);
      await tokens.rotateSigningKey();
      clock.advance(JWKS_MAX_AGE_SECONDS);
      await tokens.rotateSigningKey();
      const kept = await store.get<KeyRingShape>('signing-keys');
      expect(kept?.retired.map((key) => key.kid)).toEqual([firstKid]);
      clock.advance(61);
      await tokens.rotateSigningKey();
      expect((await store.get<KeyRingShape>('signing-keys'))?.retired).toEqual([]);
    });
  });

  describe('two issuers sharing a store', () => {
    it('agree on one signing key, even when they start together', async () => {
      const a = issuer();
      const b = issuer();
      const [ta, tb] = await Promise.all([
        a.issue({ userId: 'u', sessionId: 's', issuer: ISSUER }),
        b.issue({ userId: 'u', sessionId: 's', issuer: ISSUER }),
      ]);
      expect(decodeProtectedHeader(ta.accessToken).kid).toBe(
        decodeProtectedHeader(tb.accessToken).kid,
      );
      await expect(b.verify(ta.accessToken, { issuer: ISSUER })).resolves.toBeDefined();
      expect(await a.jwks()).toEqual(await b.jwks());
    });

    it('see each other rotate, publishing the new key together and switching to it together', async () => {
      const a = issuer();
      const b = issuer();
      const before = await a.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      const oldKid = decodeProtectedHeader(before.accessToken).kid;
      await b.rotateSigningKey();
      expect(await a.jwks()).toEqual(await b.jwks());
      const newKid = (await b.jwks()).keys.find((key) => key.kid !== oldKid)?.kid;
      expect(newKid).toBeDefined();
      clock.advance(JWKS_MAX_AGE_SECONDS - 1);
      for (const tokens of [a, b]) {
        const token = await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
        expect(decodeProtectedHeader(token.accessToken).kid).toBe(oldKid);
      }
      clock.advance(1);
      for (const tokens of [a, b]) {
        const token = await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
        expect(decodeProtectedHeader(token.accessToken).kid).toBe(newKid);
      }
      expect(await a.jwks()).toEqual(await b.jwks());
    });

    it('rotate once when both rotate together', async () => {
      const a = issuer();
      const b = issuer();
      const [oldKid] = (await a.jwks()).keys.map((key) => key.kid);
      await Promise.all([a.rotateSigningKey(), b.rotateSigningKey()]);
      const kids = (await a.jwks()).keys.map((key) => key.kid);
      expect(kids).toHaveLength(2);
      expect(kids[0]).toBe(oldKid);
      expect(await b.jwks()).toEqual(await a.jwks());
    });
  });

  it('checks its inputs', async () => {
    const tokens = issuer();
    await expect(tokens.issue({ userId: '', sessionId: 's', issuer: ISSUER })).rejects.toThrow(
      TypeError,
    );
    expect(() => createTokenIssuer({ store, now: clock.now, accessTokenTtlSeconds: 0 })).toThrow(
      TypeError,
    );
  });
});
