import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { checkAccessToken } from './accessTokenClaims';
import type { AccessTokenClaims } from './accessTokenClaims';
import { createReplayTable } from './proofVerifier';
import type { NonceCheck, ReplayCache } from './proofVerifier';
import { assertSessionActive, authenticateResourceRequest } from './resourceAuth';

/** How an app backend checks the session server's access tokens. */
export interface VerifyOptions {
  /** The expected `iss`: the session server's issuer. */
  issuer: string;
  /** The session server's JWKS, when the backend has it at hand. */
  jwks?: { keys: ReadonlyArray<object> };
  /** Where to fetch the JWKS (`{origin}/.well-known/jwks.json`); fetched once and cached. */
  jwksUrl?: string | URL;
  /** `false` makes the token `unauthorized` (reason `revoked`) before its `exp`. */
  isSessionActive?(sid: string): boolean | Promise<boolean>;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Leeway on `exp` for clocks that disagree (default 0). */
  clockToleranceSeconds?: number;
}

/** Options of `verifyDpopRequest`. */
export interface VerifyDpopRequestOptions extends VerifyOptions {
  /** The origin clients address (behind a TLS proxy); replaces the request's origin for `htu`. */
  publicOrigin?: string;
  /** Where proof `jti`s are remembered; an in-process bounded cache unless given. */
  replayCache?: ReplayCache;
  /** A nonce policy, when the backend hands out DPoP nonces. */
  nonce?: NonceCheck;
  /** Accepted distance of the proof's `iat` from now, either way (default 60). */
  iatWindowSeconds?: number;
}

/** A request as `verifyDpopRequest` reads it: a fetch `Request` or a Node-style object (`url` may be a path, with `publicOrigin`). */
export type VerifiableRequest =
  | Request
  | {
      method: string;
      url: string;
      headers: Headers | Record<string, string | string[] | undefined>;
      /** Node's `IncomingMessage.rawHeaders`: read when present, so no repeated header hides. */
      rawHeaders?: string[];
    };

const remoteKeySets = new Map<string, JWTVerifyGetKey>();
/** By `jwks` object, with the keys it was built from: a set changed in place is built again. */
const localKeySets = new WeakMap<object, { keys: string; get: JWTVerifyGetKey }>();
/**
 * The default replay table, one per process: each check brings the time of its own clock, so
 * every call shares it, whatever `now` it passes (an inline `now` must not mean a new, empty
 * cache per request).
 */
let defaultReplay: ReturnType<typeof createReplayTable> | undefined;

function keySetOf(options: VerifyOptions): JWTVerifyGetKey {
  const { jwks } = options;
  if (jwks !== undefined) {
    // Compared by content (a few public keys): jose keeps a copy of the set it was given.
    const keys = JSON.stringify((jwks as { keys?: unknown }).keys) ?? '';
    let cached = localKeySets.get(jwks);
    if (cached?.keys !== keys) {
      cached = { keys, get: createLocalJWKSet(jwks as unknown as JSONWebKeySet) };
      localKeySets.set(jwks, cached);
    }
    return cached.get;
  }
  const url = new URL(options.jwksUrl as string | URL);
  let keySet = remoteKeySets.get(url.href);
  if (keySet === undefined) {
    keySet = createRemoteJWKSet(url);
    remoteKeySets.set(url.href, keySet);
  }
  return keySet;
}

function checkOptions(options: VerifyOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('"options" must be an object');
  }
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new TypeError('"issuer" must be a string');
  }
  if (options.jwks !== undefined) {
    if (typeof options.jwks !== 'object' || !Array.isArray(options.jwks?.keys)) {
      throw new TypeError('"jwks" must be a JSON Web Key Set');
    }
  } else if (options.jwksUrl !== undefined) {
    if (typeof options.jwksUrl !== 'string' && !(options.jwksUrl instanceof URL)) {
      throw new TypeError('"jwksUrl" must be a string or URL');
    }
    if (!URL.canParse(String(options.jwksUrl))) throw new TypeError('"jwksUrl" must be a URL');
  } else {
    throw new TypeError('"jwks" or "jwksUrl" is required');
  }
  if (options.isSessionActive !== undefined && typeof options.isSessionActive !== 'function') {
    throw new TypeError('"isSessionActive" must be a function');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new TypeError('"now" must be a function');
  }
  const tolerance = options.clockToleranceSeconds;
  if (tolerance !== undefined && (typeof tolerance !== 'number' || !(tolerance >= 0))) {
    throw new TypeError('"clockToleranceSeconds" must be a non-negative number');
  }
}

function tokenChecker(
  options: VerifyOptions,
  nowMs: number,
): (token: string) => Promise<AccessTokenClaims> {
  const keySet = keySetOf(options);
  return (token) =>
    checkAccessToken(token, keySet, {
      issuer: options.issuer,
      nowMs,
      ...(options.clockToleranceSeconds === undefined
        ? {}
        : { clockToleranceSeconds: options.clockToleranceSeconds }),
    });
}

/**
 * Checks an access token from the session server: signature against its JWKS, `exp`,
 * `iss`, and, with `isSessionActive`, that its session is still live. It does not check
 * the DPoP binding: use `verifyDpopRequest` for requests.
 *
 * @example
 * const claims = await verifyAccessToken(token, { issuer: 'https://auth.example.com',
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json' })
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyOptions,
): Promise<AccessTokenClaims> {
  if (typeof token !== 'string') throw new TypeError('"token" must be a string');
  checkOptions(options);
  const claims = await tokenChecker(options, (options.now ?? Date.now)())(token);
  await assertSessionActive(claims, options.isSessionActive?.bind(options));
  return claims;
}

function headerOf(request: VerifiableRequest, name: string): string | null {
  const { headers } = request;
  // node:http keeps only the first of several Authorization headers; rawHeaders has them all.
  const raw = (request as { rawHeaders?: unknown }).rawHeaders;
  const values: string[] = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (String(raw[i]).toLowerCase() === name) values.push(String(raw[i + 1]));
    }
  } else if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name);
  } else {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() !== name || value === undefined) continue;
      values.push(...(Array.isArray(value) ? value : [value]));
    }
  }
  // Several headers are joined with a comma, as `Headers` does, so they are refused.
  return values.length === 0 ? null : values.join(', ');
}

function publicUrlOf(requestUrl: string, publicOrigin: string | undefined): string {
  if (publicOrigin === undefined) {
    if (!URL.canParse(requestUrl)) {
      throw new TypeError('"publicOrigin" is required when the request URL is not absolute');
    }
    return requestUrl;
  }
  const origin = new URL(publicOrigin).origin;
  // An origin-form target is a path, `//x/y` too (resolved as a URL, `//x` would name a
  // host); an absolute-form one (a proxy's) gives its path. One that cannot be read is
  // passed on as it is, and fails the proof's `htu` check.
  if (requestUrl.startsWith('/')) return origin + requestUrl;
  if (!URL.canParse(requestUrl)) return requestUrl;
  const { pathname, search } = new URL(requestUrl);
  return origin + pathname + search;
}

/**
 * Checks a request made with the client's authenticated fetch: the access token (as
 * `verifyAccessToken`), its scheme against `cnf`, and for a bound token the DPoP proof
 * (`htm`, `htu`, freshness, `ath`, nonce, replay) and that the proof key is the bound one.
 * Every failure is a `VerifierError` whose `toResponse()` is the protocol's 401.
 *
 * @example
 * try { const claims = await verifyDpopRequest(request, { issuer, jwksUrl }) }
 * catch (err) { if (err instanceof VerifierError) return err.toResponse(); throw err }
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export async function verifyDpopRequest(
  request: VerifiableRequest,
  options: VerifyDpopRequestOptions,
): Promise<AccessTokenClaims> {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError('"request" must be a Request or a request-like object');
  }
  if (typeof request.method !== 'string') throw new TypeError('"request.method" must be a string');
  if (typeof request.url !== 'string') throw new TypeError('"request.url" must be a string');
  if (typeof request.headers !== 'object' || request.headers === null) {
    throw new TypeError('"request.headers" must be Headers or an object');
  }
  checkOptions(options);
  const { publicOrigin, iatWindowSeconds } = options;
  if (
    publicOrigin !== undefined &&
    (typeof publicOrigin !== 'string' || !URL.canParse(publicOrigin))
  ) {
    throw new TypeError('"publicOrigin" must be an absolute URL string');
  }
  if (
    iatWindowSeconds !== undefined &&
    (typeof iatWindowSeconds !== 'number' || !(iatWindowSeconds > 0))
  ) {
    throw new TypeError('"iatWindowSeconds" must be a positive number');
  }
  const now = options.now ?? Date.now;
  const replay: ReplayCache = options.replayCache ?? {
    checkAndRecord: async (jkt, jti, expiresAtSeconds) =>
      (defaultReplay ??= createReplayTable(100_000))(
        `${jkt}:${jti}`,
        expiresAtSeconds * 1000,
        now(),
      ),
  };
  const nowMs = now();
  const { claims } = await authenticateResourceRequest({
    authorization: headerOf(request, 'authorization'),
    dpop: headerOf(request, 'dpop'),
    method: request.method,
    url: publicUrlOf(request.url, publicOrigin),
    nowSeconds: Math.floor(nowMs / 1000),
    verifyToken: tokenChecker(options, nowMs),
    replay,
    ...(options.isSessionActive === undefined
      ? {}
      : { isSessionActive: options.isSessionActive.bind(options) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(iatWindowSeconds === undefined ? {} : { iatWindowSeconds }),
  });
  return claims;
}
