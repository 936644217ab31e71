import type { AccessTokenClaims } from './accessTokenClaims';
import { InvalidTokenError, KeyMismatchError } from './errors';
import type { ChallengeScheme } from './errors';
import { verifyProof } from './proofVerifier';
import type { NonceCheck, ReplayCache, VerifiedProof } from './proofVerifier';

/** What a resource request is checked against. */
export interface ResourceAuthOptions {
  /** The raw `Authorization` header; a comma means several headers, which is refused. */
  authorization: string | null;
  /** The raw `DPoP` header. */
  dpop: string | null;
  method: string;
  /** The absolute URL the client addressed (public origin + path). */
  url: string;
  /** Server time in Unix seconds. */
  nowSeconds: number;
  /** Checks signature, `exp` and `iss`; should throw `InvalidTokenError`. */
  verifyToken(token: string): Promise<AccessTokenClaims>;
  nonce?: NonceCheck;
  replay: ReplayCache;
  /** `false` ends the request with `unauthorized`, reason `revoked`. */
  isSessionActive?(sid: string): boolean | Promise<boolean>;
  /** Scheme of the challenge when no token came at all (default `DPoP`). */
  challengeScheme?: ChallengeScheme;
  /** Passed to the proof check (default 60). */
  iatWindowSeconds?: number;
}

/** The outcome of a resource check: the token's claims, and the proof for a bound token. */
export interface ResourceAuthResult {
  claims: AccessTokenClaims;
  proof?: VerifiedProof;
}

/** RFC 6750 b64token: the only characters a token in `Authorization` may have. */
const AUTHORIZATION = /^([A-Za-z]+) +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Checks a resource request in the protocol's order: access token (signature, `exp`,
 * `iss`), scheme against `cnf`, proof (with `ath`, nonce, replay), `cnf.jkt` match, then
 * session liveness. Every failure is a `VerifierError` carrying its challenge.
 *
 * @example
 * const { claims } = await authenticateResourceRequest({ authorization, dpop, method, url,
 *   nowSeconds, verifyToken, replay })
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export async function authenticateResourceRequest(
  o: ResourceAuthOptions,
): Promise<ResourceAuthResult> {
  const authorization = o.authorization?.trim() ?? '';
  if (authorization === '') {
    throw new InvalidTokenError('An access token is required.', {
      scheme: o.challengeScheme ?? 'DPoP',
      noCredentials: true,
    });
  }
  if (authorization.includes(',')) {
    throw new InvalidTokenError('Only one Authorization header is allowed.', {
      scheme: o.challengeScheme ?? 'DPoP',
    });
  }
  const match = AUTHORIZATION.exec(authorization);
  const scheme = match?.[1]?.toLowerCase();
  const token = match?.[2];
  if (token === undefined || (scheme !== 'dpop' && scheme !== 'bearer')) {
    throw new InvalidTokenError('The Authorization header is malformed.', {
      scheme: o.challengeScheme ?? 'DPoP',
    });
  }
  const presented: ChallengeScheme = scheme === 'dpop' ? 'DPoP' : 'Bearer';

  let claims: AccessTokenClaims;
  try {
    claims = await o.verifyToken(token);
  } catch (cause) {
    if (cause instanceof InvalidTokenError) {
      throw new InvalidTokenError(cause.message, { cause, scheme: presented });
    }
    // Anything else is not the token's fault (the JWKS endpoint down, say): not a 401 that
    // would send every client refreshing. The caller answers 5xx.
    throw cause;
  }

  // Whether the token is bound is its own fact (cnf.jkt), not the server's current setting.
  const jkt = claims.cnf?.jkt;
  if (jkt === undefined) {
    if (presented === 'DPoP') {
      throw new InvalidTokenError('This access token is not DPoP-bound: use the Bearer scheme.', {
        scheme: 'Bearer',
      });
    }
  } else if (presented === 'Bearer') {
    throw new InvalidTokenError('This access token is DPoP-bound: use the DPoP scheme.', {
      scheme: 'DPoP',
    });
  }

  let proof: VerifiedProof | undefined;
  if (jkt !== undefined) {
    proof = await verifyProof({
      header: o.dpop,
      method: o.method,
      url: o.url,
      nowSeconds: o.nowSeconds,
      accessToken: token,
      replay: o.replay,
      ...(o.nonce === undefined ? {} : { nonce: o.nonce }),
      ...(o.iatWindowSeconds === undefined ? {} : { iatWindowSeconds: o.iatWindowSeconds }),
    });
    if (proof.jkt !== jkt) throw new KeyMismatchError();
  }

  await assertSessionActive(claims, o.isSessionActive);
  return proof === undefined ? { claims } : { claims, proof };
}

/**
 * Throws `unauthorized` (reason `revoked`) when `isSessionActive` says the token's session
 * has ended; without a check, the token stands until its `exp`.
 */
export async function assertSessionActive(
  claims: AccessTokenClaims,
  isSessionActive: ((sid: string) => boolean | Promise<boolean>) | undefined,
): Promise<void> {
  if (isSessionActive !== undefined && !(await isSessionActive(claims.sid))) {
    throw new InvalidTokenError('The session has ended.', {
      scheme: claims.cnf === undefined ? 'Bearer' : 'DPoP',
      reason: 'revoked',
    });
  }
}
