import {
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { checkAccessToken, RESERVED_CLAIMS } from './accessTokenClaims';
import type { AccessTokenClaims } from './accessTokenClaims';
import { randomToken } from './encoding';
import type { SessionStore } from './store';

export type { AccessTokenClaims } from './accessTokenClaims';

/** Signs access tokens and publishes the keys that check them. */
export interface TokenIssuer {
  /** Signs an access token for a session; `exp` never passes `notAfterSeconds`. */
  issue(input: {
    userId: string;
    sessionId: string;
    profile?: Record<string, unknown>;
    /** Binds the token to this key thumbprint (`cnf.jkt`). */
    jkt?: string;
    issuer: string;
    /** The session's end in Unix seconds: the token never outlives it. */
    notAfterSeconds?: number;
  }): Promise<{ accessToken: string; expiresAt: number }>;
  /** Checks signature (by `kid`), `exp` and `iss`; throws `InvalidTokenError`. */
  verify(token: string, options: { issuer: string }): Promise<AccessTokenClaims>;
  /** The public keys: the signing one, a staged one, and retired ones whose tokens may be live. */
  jwks(): Promise<{ keys: Array<Record<string, unknown>> }>;
  /**
   * Publishes a new key at once and signs with it once every cached JWKS can hold it
   * (`JWKS_MAX_AGE_SECONDS` later); the old key stays published until its tokens expire.
   */
  rotateSigningKey(): Promise<void>;
}

/** Options of `createTokenIssuer`. */
export interface TokenIssuerOptions {
  store: SessionStore;
  /** Server clock in milliseconds. */
  now: () => number;
  /** Access-token lifetime (default 300). */
  accessTokenTtlSeconds?: number;
}

interface StoredKey {
  kid: string;
  publicJwk: JWK;
  createdAtMs: number;
}

type SigningKey = StoredKey & { privateJwk: JWK };

/**
 * The `signing-keys` store entry: one key signs, a staged one is published ahead of signing,
 * retired ones only verify.
 */
interface KeyRing {
  current: SigningKey;
  /** Published now; it replaces `current` at `signsFromMs`. Absent from stores of older versions. */
  next?: SigningKey & { signsFromMs: number };
  retired: Array<StoredKey & { retiredAtMs: number }>;
}

/**
 * How long verifiers may cache the JWKS (its `Cache-Control: max-age`). A new key is
 * published this long before it signs, so a verifier's cached copy always holds the key.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

const STORE_KEY = 'signing-keys';
const MAX_SWAP_ATTEMPTS = 5;

function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`"${name}" must be a non-empty string`);
  }
}

async function createKey(nowMs: number): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const [publicJwk, privateJwk] = await Promise.all([exportJWK(publicKey), exportJWK(privateKey)]);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, publicJwk, privateJwk, createdAtMs: nowMs };
}

/**
 * An ES256 access-token issuer whose keys live in the store, so every instance sharing
 * the store signs with the same key and publishes the same JWKS.
 *
 * @example
 * const issuer = createTokenIssuer({ store, now: Date.now })
 * const { accessToken } = await issuer.issue({ userId, sessionId, issuer: origin, jkt })
 * @see https://www.rfc-editor.org/rfc/rfc9068
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { store, now } = options;
  const ttlSeconds = options.accessTokenTtlSeconds ?? 300;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError('"accessTokenTtlSeconds" must be a positive integer');
  }
  const imported = new Map<string, Promise<CryptoKey>>();

  function importOnce(id: string, jwk: JWK): Promise<CryptoKey> {
    let key = imported.get(id);
    if (key === undefined) {
      key = importJWK(jwk, 'ES256') as Promise<CryptoKey>;
      key.catch(() => imported.delete(id));
      imported.set(id, key);
    }
    return key;
  }

  /**
   * The ring as of `nowMs`: a staged key whose time has come signs, and the key it replaces
   * is retired from that moment. Computed from the stored ring and the clock alone, so every
   * instance sharing the store switches at the same time without writing.
   */
  function settle(ring: KeyRing, nowMs: number): KeyRing {
    const { next } = ring;
    if (next === undefined || nowMs < next.signsFromMs) return ring;
    const { privateJwk: _dropped, ...retiring } = ring.current;
    const { signsFromMs, ...current } = next;
    return { current, retired: [...ring.retired, { ...retiring, retiredAtMs: signsFromMs }] };
  }

  /** Retired keys whose last token may still be unexpired. */
  function liveRetired(ring: KeyRing, nowMs: number): KeyRing['retired'] {
    return ring.retired.filter((key) => nowMs < key.retiredAtMs + ttlSeconds * 1000);
  }

  /** Every key a token of this issuer may carry now: signing, staged, and live retired ones. */
  function published(ring: KeyRing, nowMs: number): StoredKey[] {
    return [ring.current, ...(ring.next ? [ring.next] : []), ...liveRetired(ring, nowMs)];
  }

  // Re-read on every use: another instance may have rotated since.
  async function loadRing(): Promise<KeyRing> {
    for (let attempt = 0; attempt < MAX_SWAP_ATTEMPTS; attempt += 1) {
      const ring = await store.get<KeyRing>(STORE_KEY);
      if (ring !== undefined) return ring;
      const fresh: KeyRing = { current: await createKey(now()), retired: [] };
      if (await store.compareAndSwap<KeyRing>(STORE_KEY, undefined, fresh)) return fresh;
    }
    throw new Error('Could not create the signing key in the store.');
  }

  return {
    async issue(input) {
      checkString(input.userId, 'userId');
      checkString(input.sessionId, 'sessionId');
      checkString(input.issuer, 'issuer');
      const nowMs = now();
      const ring = settle(await loadRing(), nowMs);
      const iat = Math.floor(nowMs / 1000);
      const exp = Math.min(iat + ttlSeconds, input.notAfterSeconds ?? Number.POSITIVE_INFINITY);
      const claims: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(input.profile ?? {})) {
        if (!RESERVED_CLAIMS.has(name) && name !== '__proto__') claims[name] = value;
      }
      Object.assign(claims, {
        iss: input.issuer,
        sub: input.userId,
        sid: input.sessionId,
        iat,
        exp,
        jti: randomToken(16),
      });
      if (input.jkt !== undefined) {
        checkString(input.jkt, 'jkt');
        claims.cnf = { jkt: input.jkt };
      }
      const key = await importOnce(`private:${ring.current.kid}`, ring.current.privateJwk);
      const accessToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ring.current.kid })
        .sign(key);
      return { accessToken, expiresAt: exp };
    },

    async verify(token, { issuer }) {
      const nowMs = now();
      const candidates = published(settle(await loadRing(), nowMs), nowMs);
      return checkAccessToken(
        token,
        async (header) => {
          const match = candidates.find((candidate) => candidate.kid === header.kid);
          if (match === undefined) throw new errors.JWKSNoMatchingKey();
          return importOnce(`public:${match.kid}`, match.publicJwk);
        },
        { issuer, nowMs },
      );
    },

    async jwks() {
      const nowMs = now();
      return {
        keys: published(settle(await loadRing(), nowMs), nowMs).map(({ kid, publicJwk }) => ({
          ...publicJwk,
          kid,
          alg: 'ES256',
          use: 'sig',
        })),
      };
    },

    async rotateSigningKey() {
      const staged = await createKey(now());
      let stored = await loadRing();
      const stagedBefore = stored.next?.kid;
      for (let attempt = 0; attempt < MAX_SWAP_ATTEMPTS; attempt += 1) {
        const nowMs = now();
        const ring = settle(stored, nowMs);
        // A key staged earlier and not yet signing has signed nothing: the new one replaces it.
        const rotated: KeyRing = {
          current: ring.current,
          next: { ...staged, signsFromMs: nowMs + JWKS_MAX_AGE_SECONDS * 1000 },
          retired: liveRetired(ring, nowMs),
        };
        if (await store.compareAndSwap<KeyRing>(STORE_KEY, stored, rotated)) return;
        stored = await loadRing();
        // Another instance staged a key meanwhile: a rotation is under way, as asked.
        if (stored.next?.kid !== stagedBefore) return;
      }
      throw new Error('Could not rotate the signing key in the store.');
    },
  };
}
