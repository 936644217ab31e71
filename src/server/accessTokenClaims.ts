import { errors, jwtVerify } from 'jose';
import type { CryptoKey, JWTVerifyGetKey } from 'jose';
import { InvalidTokenError } from './errors';

/** The claims of an access token the reference server issues. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  sid: string;
  iat: number;
  exp: number;
  jti: string;
  /** Present when the token is DPoP-bound (RFC 9449 §6). */
  cnf?: { jkt: string };
  [profileClaim: string]: unknown;
}

/** Claims a profile can never set: the issuer owns them. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'sid',
  'iat',
  'exp',
  'nbf',
  'jti',
  'cnf',
]);

/** How `checkAccessToken` judges a token. */
export interface CheckAccessTokenOptions {
  issuer: string;
  /** Verification time in milliseconds. */
  nowMs: number;
  clockToleranceSeconds?: number;
}

/** The jose failures that are the token's own (every other one is the verifier's). */
const TOKEN_FAULTS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

function messageFor(cause: unknown): string {
  if (cause instanceof errors.JWTExpired) return 'The access token has expired.';
  if (cause instanceof errors.JWTClaimValidationFailed) {
    return `The access token ${cause.claim} claim is invalid.`;
  }
  if (cause instanceof errors.JWKSNoMatchingKey) return 'The access token signing key is unknown.';
  if (cause instanceof errors.JWSSignatureVerificationFailed) {
    return 'The access token signature is invalid.';
  }
  return 'The access token is invalid.';
}

/**
 * Verifies an access token's signature (ES256, `typ` `at+jwt`), `exp`, `iss` and the
 * presence and shape of `sub`, `sid`, `jti` and `cnf`; every failure is an
 * `InvalidTokenError`. Shared by the token issuer and the public backend verifiers.
 */
export async function checkAccessToken(
  token: string,
  key: CryptoKey | JWTVerifyGetKey,
  options: CheckAccessTokenOptions,
): Promise<AccessTokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: options.issuer,
      currentDate: new Date(options.nowMs),
      clockTolerance: options.clockToleranceSeconds ?? 0,
      requiredClaims: ['iss', 'sub', 'sid', 'iat', 'exp', 'jti'],
    }));
  } catch (cause) {
    // Keys that could not be had (a JWKS endpoint down, slow or unreadable) are not the
    // credential's fault: a 401 would send every client refreshing. The caller answers 5xx.
    if (!TOKEN_FAULTS.some((fault) => cause instanceof fault)) throw cause;
    throw new InvalidTokenError(messageFor(cause), { cause });
  }
  const { sub, sid, jti, iat, exp, cnf } = payload;
  const wellFormed =
    typeof sub === 'string' &&
    typeof sid === 'string' &&
    typeof jti === 'string' &&
    typeof iat === 'number' &&
    typeof exp === 'number' &&
    (cnf === undefined ||
      (typeof cnf === 'object' &&
        cnf !== null &&
        typeof (cnf as { jkt?: unknown }).jkt === 'string'));
  if (!wellFormed) throw new InvalidTokenError('The access token claims are malformed.');
  return payload as AccessTokenClaims;
}
