import type { NonceCheck, ReplayCache } from './proofVerifier';
import type { RateLimiter } from './rateLimit';
import type { SessionLifetimes } from './sessions';
import type { SessionStore } from './store';
import type { TokenIssuer } from './tokenIssuer';
import type { CookieSameSite, RefreshTokenState, SessionServerUser } from './types';
import type { UserDirectory } from './users';

/** Options with every default applied. */
export interface ResolvedOptions extends SessionLifetimes {
  accessTokenTtlSeconds: number;
  reuseGraceSeconds: number;
  requireNonce: boolean;
  bindAccessTokens: boolean;
  refreshTokenTransport: 'cookie' | 'header' | 'both';
  cookieName: string;
  cookieSameSite: CookieSameSite;
  cookiePath: string;
  cookieSecure: boolean | undefined;
  allowedOrigins: ReadonlySet<string>;
  publicOrigin: string | undefined;
  trustProxy: boolean;
  issuer: string | undefined;
  countryHeader: string;
  users: SessionServerUser[];
}

/** What every handler shares: the options and the server's parts. */
export interface ServerContext {
  options: ResolvedOptions;
  store: SessionStore;
  now: () => number;
  tokens: TokenIssuer;
  /** Present only when nonces are required. */
  nonce: NonceCheck | undefined;
  replay: ReplayCache;
  limits: RateLimiter;
  users: UserDirectory;
}

/** One request as the handlers see it. */
export interface RequestContext {
  method: string;
  headers: Headers;
  body: string | Uint8Array | null | undefined;
  /** The path, without query. */
  path: string;
  query: URLSearchParams;
  /** The origin clients address (public origin, else the request's). */
  origin: string;
  /** The URL clients address, without query: what `htu` is compared against. */
  publicUrl: string;
  /** The `iss` of access tokens issued and accepted on this request. */
  issuer: string;
  /** Server time of the request in milliseconds. */
  nowMs: number;
  /** Set by token endpoints for the request log. */
  refreshToken?: { state: RefreshTokenState; sessionId?: string; hash: string };
}
