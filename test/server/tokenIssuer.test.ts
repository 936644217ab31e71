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
import { createTokenIssuer } from '../../src/server/tokenIssuer';
import { createClock } from './helpers/joseProofs';

const ISSUER = 'https://auth.example.com';

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
    it('signs with the new key and keeps the old one published until its tokens expire', async () => {
      const tokens = issuer(300);
      const before = await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      const oldKid = decodeProtectedHeader(before.accessToken).kid;
      clock.advance(100);
      await tokens.rotateSigningKey();
      const after = await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      const newKid = decodeProtectedHeader(after.accessToken).kid;
      expect(newKid).not.toBe(oldKid);
      expect((await tokens.jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
      await expect(tokens.verify(before.accessToken, { issuer: ISSUER })).resolves.toBeDefined();

      clock.advance(299);
      expect((await tokens.jwks()).keys.map((k) => k.kid)).toContain(oldKid);
      clock.advance(1);
      expect((await tokens.jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
      await expect(tokens.verify(before.accessToken, { issuer: ISSUER })).rejects.toMatchObject({
        code: 'unauthorized',
      });
      const latest = await tokens.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      await expect(tokens.verify(latest.accessToken, { issuer: ISSUER })).resolves.toBeDefined();
    });

    it('drops long-retired keys from the store on the next rotation', async () => {
      const tokens = issuer(60);
      await tokens.rotateSigningKey();
      clock.advance(61);
      await tokens.rotateSigningKey();
      const stored = await store.get<{ retired: unknown[] }>('signing-keys');
      expect(stored?.retired).toHaveLength(1);
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

    it('see each other rotate', async () => {
      const a = issuer();
      const b = issuer();
      await a.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      await b.rotateSigningKey();
      const fromA = await a.issue({ userId: 'u', sessionId: 's', issuer: ISSUER });
      expect(decodeProtectedHeader(fromA.accessToken).kid).toBe((await b.jwks()).keys[0]!.kid);
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
