import type { AccessTokenClaims } from './protocol';
import type { User } from './types';

/** An access token held in memory, with what the client needs to judge it. */
export interface CachedToken {
  user: User;
  claims: AccessTokenClaims;
  /** Expiry, server clock, milliseconds. */
  expiresAt: number;
  /** When it was obtained (local clock ms, strictly growing); orders tokens between tabs. */
  refreshedAt: number;
  /** The key generation it is bound to. */
  generation: number;
  /** Its expiry did not grow on refresh: it is capped at the session's end. */
  capped?: boolean;
}

const RESERVED = ['iss', 'sub', 'aud', 'sid', 'iat', 'exp', 'nbf', 'jti', 'cnf'];

/** Builds the `User` of a token answer. */
export function toUser(accessToken: string, claims: AccessTokenClaims, expiresAt: number): User {
  const profile: Record<string, unknown> = {};
  for (const k in claims) if (!RESERVED.includes(k)) profile[k] = claims[k];
  return {
    accessToken,
    profile,
    sessionId: claims.sid,
    userId: claims.sub,
    expiresAt: new Date(expiresAt),
  };
}

/**
 * When a token should be refreshed, in server time: `skewSeconds` before expiry,
 * the skew clamped to half its lifetime; a capped token is used until it expires.
 */
export function refreshDueAt(token: CachedToken, skewSeconds: number): number {
  return token.capped
    ? token.expiresAt
    : token.expiresAt - Math.min(skewSeconds * 1000, lifetime(token) / 2);
}

/** The token's lifetime in ms (`exp - iat`), or Infinity without `iat`. */
export const lifetime = (token: CachedToken) =>
  token.claims.iat === undefined ? Infinity : token.expiresAt - token.claims.iat * 1000;
