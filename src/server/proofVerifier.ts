import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { fromBase64url, sha256Base64url } from './encoding';
import { InvalidProofError, MissingProofError, UseDpopNonceError } from './errors';
import type { SessionStore } from './store';

/** Remembers which `jti` each key has used, so a proof is accepted once. */
export interface ReplayCache {
  /**
   * Records `jti` for the key `jkt` until `expiresAtSeconds`. Resolves `true` the first
   * time (now recorded), `false` when it was already recorded.
   */
  checkAndRecord(jkt: string, jti: string, expiresAtSeconds: number): Promise<boolean>;
}

/** The server's DPoP nonce policy, as the proof verifier sees it. */
export interface NonceCheck {
  /** Whether proofs must carry a current nonce. */
  required: boolean;
  /** Whether `nonce` is current (this window or the previous one). */
  verify(nonce: string): Promise<boolean>;
  /** The nonce to hand out now. */
  current(): Promise<string>;
}

/** What `verifyProof` checks a `DPoP` header against. */
export interface VerifyProofOptions {
  /** The raw `DPoP` header value; a comma means several headers, which is refused. */
  header: string | null;
  /** The expected `htm`: the request's method. */
  method: string;
  /** The expected `htu`: the absolute request URL as the client addressed it. */
  url: string;
  /** Server time in Unix seconds. */
  nowSeconds: number;
  /** For resource requests: the access token, whose hash `ath` must carry. */
  accessToken?: string;
  /** The nonce policy; without one, or when not required, a `nonce` claim is ignored. */
  nonce?: NonceCheck;
  /** Where `jti`s are remembered. */
  replay: ReplayCache;
  /** Accepted distance of `iat` from server time, either way (default 60). */
  iatWindowSeconds?: number;
  /** Longest accepted proof in characters (default 8192). */
  maxLength?: number;
}

/** The public P-256 key a proof was signed with, reduced to its required members. */
export interface ProofJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** A proof that passed every check. */
export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof key. */
  jkt: string;
  jwk: ProofJwk;
  claims: { jti: string; htm: string; htu: string; iat: number; nonce?: string; ath?: string };
}

const DEFAULT_IAT_WINDOW_SECONDS = 60;
const DEFAULT_MAX_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
/** How long past the `iat` window a `jti` stays remembered (PROTOCOL: `iat` + 65 s). */
const REPLAY_MARGIN_SECONDS = 5;
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function refuse(message: string, cause?: unknown): InvalidProofError {
  return new InvalidProofError(message, cause === undefined ? {} : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses UTF-8 JSON bytes; `undefined` for anything that is not. */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * The URL as `htu` compares it: WHATWG-parsed, scheme and host lower-cased, default port,
 * credentials, query and fragment dropped; in the path, percent-encoded unreserved
 * characters decoded and the other escapes upper-cased (RFC 3986 §6.2.2), so a proxy or
 * library that encodes a path differently does not make a proof fail.
 *
 * @example
 * normalizeHtu('HTTPS://Example.COM:443/%7eada/a%2fb?b#c') // 'https://example.com/~ada/a%2Fb'
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export function normalizeHtu(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/%[\da-f]{2}/gi, (escape) => {
    const c = String.fromCharCode(parseInt(escape.slice(1), 16));
    return /[\w.~-]/.test(c) ? c : escape.toUpperCase();
  });
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/** Reads the header's JWK, refusing anything but a public EC P-256 key. */
function publicJwkOf(header: Record<string, unknown>): ProofJwk {
  const jwk = header.jwk;
  if (!isRecord(jwk)) throw refuse('The DPoP proof header has no jwk.');
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
    throw refuse('The DPoP proof jwk must not contain private key material.');
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw refuse('The DPoP proof jwk must be an EC P-256 public key.');
  }
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw refuse('The DPoP proof jwk has malformed coordinates.');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

function checkClaims(payload: unknown, options: VerifyProofOptions): VerifiedProof['claims'] {
  if (!isRecord(payload)) throw refuse('The DPoP proof payload is not a JSON object.');
  const { jti, htm, htu, iat, nonce, ath } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw refuse(`The DPoP proof jti must be a string of 1 to ${MAX_JTI_LENGTH} characters.`);
  }
  if (typeof htm !== 'string' || htm !== options.method) {
    throw refuse('The DPoP proof htm does not match the request method.');
  }
  if (typeof htu !== 'string') throw refuse('The DPoP proof htu is missing.');
  let claimedUrl: string;
  try {
    claimedUrl = normalizeHtu(htu);
  } catch (cause) {
    throw refuse('The DPoP proof htu is not a URL.', cause);
  }
  let requestUrl: string;
  try {
    requestUrl = normalizeHtu(options.url);
  } catch (cause) {
    throw refuse('The request URL cannot be read.', cause);
  }
  if (claimedUrl !== requestUrl) {
    throw refuse('The DPoP proof htu does not match the request URL.');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw refuse('The DPoP proof iat is missing.');
  }
  const window = options.iatWindowSeconds ?? DEFAULT_IAT_WINDOW_SECONDS;
  if (Math.abs(options.nowSeconds - iat) > window) {
    throw refuse('The DPoP proof iat is outside the accepted window.');
  }
  const claims: VerifiedProof['claims'] = { jti, htm, htu, iat };
  if (typeof nonce === 'string') claims.nonce = nonce;
  if (typeof ath === 'string') claims.ath = ath;
  return claims;
}

/**
 * Checks a `DPoP` header as RFC 9449 §4.3 asks, in the protocol's order: missing →
 * malformed, signature, claims (`ath` included) → nonce → `jti` replay, which is recorded
 * only once everything else passed.
 *
 * @example
 * const proof = await verifyProof({ header: req.headers.get('dpop'), method: 'POST',
 *   url: 'https://api.example.com/v1/session/refresh', nowSeconds, replay })
 * proof.jkt // the key thumbprint the session is bound to
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export async function verifyProof(options: VerifyProofOptions): Promise<VerifiedProof> {
  const raw = options.header;
  if (raw === null || raw === undefined || raw.trim() === '') throw new MissingProofError();
  if (raw.includes(',')) throw refuse('Only one DPoP header is allowed.');
  const proof = raw.trim();
  if (proof.length > (options.maxLength ?? DEFAULT_MAX_LENGTH)) {
    throw refuse('The DPoP proof is too large.');
  }
  if (!COMPACT_JWS.test(proof)) throw refuse('The DPoP proof is not a compact JWS.');

  let header: unknown;
  try {
    header = parseJson(fromBase64url(proof.slice(0, proof.indexOf('.'))));
  } catch {
    header = undefined;
  }
  if (!isRecord(header)) throw refuse('The DPoP proof header is not a JSON object.');
  if (header.typ !== 'dpop+jwt') throw refuse('The DPoP proof typ must be dpop+jwt.');
  if (header.alg !== 'ES256') throw refuse('The DPoP proof alg must be ES256.');
  // b64/crit would change how the payload is read; a proof has no use for them.
  if ('crit' in header || 'b64' in header) throw refuse('The DPoP proof header is not supported.');
  const jwk = publicJwkOf(header);

  let payloadBytes: Uint8Array;
  try {
    const key = await importJWK(jwk, 'ES256');
    ({ payload: payloadBytes } = await compactVerify(proof, key, { algorithms: ['ES256'] }));
  } catch (cause) {
    throw refuse('The DPoP proof signature is invalid.', cause);
  }
  const claims = checkClaims(parseJson(payloadBytes), options);

  if (options.accessToken !== undefined) {
    if (claims.ath === undefined) throw refuse('The DPoP proof must carry ath.');
    if (claims.ath !== (await sha256Base64url(options.accessToken))) {
      throw refuse('The DPoP proof ath does not match the access token.');
    }
  }

  const nonceCheck = options.nonce;
  if (nonceCheck?.required) {
    if (claims.nonce === undefined || !(await nonceCheck.verify(claims.nonce))) {
      throw new UseDpopNonceError(await nonceCheck.current());
    }
  }

  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  const window = options.iatWindowSeconds ?? DEFAULT_IAT_WINDOW_SECONDS;
  const rememberUntil = Math.ceil(claims.iat) + window + REPLAY_MARGIN_SECONDS;
  if (!(await options.replay.checkAndRecord(jkt, claims.jti, rememberUntil))) {
    throw refuse('The DPoP proof jti was already used.');
  }
  return { jkt, jwk, claims };
}

/**
 * A replay cache in the server's store, shared by every instance using that store: key
 * `jti:<jkt>:<jti>`, added once, expiring with the proof's window.
 *
 * @example
 * const replay = createStoreReplayCache(store)
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export function createStoreReplayCache(store: SessionStore): ReplayCache {
  return {
    checkAndRecord: (jkt, jti, expiresAtSeconds) =>
      store.add(`jti:${jkt}:${jti}`, 1, { expiresAtMs: expiresAtSeconds * 1000 }),
  };
}

/**
 * A bounded in-process replay cache. When full of live entries it forgets the oldest
 * first, trading a sliver of replay protection for bounded memory.
 *
 * @example
 * const replay = createMemoryReplayCache({ maxEntries: 50_000 })
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export function createMemoryReplayCache(
  options: { now?: () => number; maxEntries?: number } = {},
): ReplayCache {
  const now = options.now ?? Date.now;
  const record = createReplayTable(options.maxEntries ?? 100_000);
  return {
    checkAndRecord: async (jkt, jti, expiresAtSeconds) =>
      record(`${jkt}:${jti}`, expiresAtSeconds * 1000, now()),
  };
}

/**
 * The table behind {@link createMemoryReplayCache}: records `key` until `expiresAtMs` and
 * answers whether it was new, judged at `nowMs`. Each check brings its own time, so one
 * table can serve callers with different clocks.
 */
export function createReplayTable(
  maxEntries: number,
): (key: string, expiresAtMs: number, nowMs: number) => boolean {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('"maxEntries" must be a positive integer');
  }
  // Insertion order approximates expiry order, since every entry lives about as long.
  const entries = new Map<string, number>();
  return (key, expiresAtMs, nowMs) => {
    for (const [old, until] of entries) {
      if (until > nowMs) break;
      entries.delete(old);
    }
    const known = entries.get(key);
    if (known !== undefined && known > nowMs) return false;
    entries.delete(key);
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
    entries.set(key, expiresAtMs);
    return true;
  };
}
