import type { SessionStore } from './store';

/** A user the reference server accepts at the password step. */
export interface SessionServerUser {
  /** The `sub` of the user's tokens; defaults to the trimmed, lower-cased identifier. */
  id?: string;
  /** The login identifier (an e-mail address, typically); trimmed and case-insensitive. */
  identifier: string;
  password: string;
  /** Extra claims put at the top level of the user's access tokens. */
  profile?: Record<string, unknown>;
}

/** Overrides of the default rate limits; each `max` counts within `windowSeconds`. */
export interface RateLimitOptions {
  /** Requests per client address (default 600 a minute). */
  address?: { max?: number; windowSeconds?: number };
  /** Failed password attempts per identifier (default 10 per 5 minutes). */
  password?: { max?: number; windowSeconds?: number };
  /** Refreshes per session (default 60 a minute). */
  refresh?: { max?: number; windowSeconds?: number };
}

export type CookieSameSite = 'Strict' | 'Lax' | 'None';

/** Options of `createSessionServer`; every one has a default. */
export interface SessionServerOptions {
  /** The accounts the password step accepts. */
  users?: SessionServerUser[];
  /** Access-token lifetime (default 300). */
  accessTokenTtlSeconds?: number;
  /** Absolute session lifetime (default 30 days). */
  sessionLifetimeSeconds?: number;
  /** A session without a refresh for this long ends (default 7 days; `null` turns it off). */
  inactivityTimeoutSeconds?: number | null;
  /** How long a rotated refresh token's direct successor can be recovered (default 30; 0 turns grace off). */
  reuseGraceSeconds?: number;
  /** Demand a `DPoP-Nonce` in every proof (default false). */
  requireNonce?: boolean;
  /** How long one nonce is current (default 300). */
  nonceWindowSeconds?: number;
  /** Bind access tokens to the proof key with `cnf.jkt` (default true). */
  bindAccessTokens?: boolean;
  /** Where the refresh token travels (default `"cookie"`). */
  refreshTokenTransport?: 'cookie' | 'header' | 'both';
  /** Default `"refresh_token"`. */
  cookieName?: string;
  /** Default `"Strict"`. */
  cookieSameSite?: CookieSameSite;
  /** Default `"/v1/session"`. */
  cookiePath?: string;
  /** Default: `Secure`, except on plain-http localhost. */
  cookieSecure?: boolean;
  /** Origins allowed to call the API cross-origin with credentials (exact match). */
  allowedOrigins?: string[];
  /** Rate limits: on by default; `false` turns them off; an object overrides limits. */
  rateLimit?: boolean | RateLimitOptions;
  /** The public origin (`https://app.example.com`) behind a proxy; used for `htu`, `iss` and cookies. */
  publicOrigin?: string;
  /** Take the client address and public origin from `X-Forwarded-*` headers. */
  trustProxy?: boolean;
  /** The `iss` of access tokens (default: `publicOrigin`, else the request origin). */
  issuer?: string;
  /** The request header carrying the client's country (default `"cf-ipcountry"`). */
  countryHeader?: string;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Shared storage (default: a fresh in-memory store on the same clock). */
  store?: SessionStore;
}

/** A transport-neutral request. `url` is absolute (a path alone is read against `http://localhost`). */
export interface CoreRequest {
  method: string;
  url: string;
  headers: Headers;
  body?: string | Uint8Array | null;
  remoteAddress?: string;
}

/** A cookie to set on the answer. */
export interface SetCookie {
  name: string;
  value: string;
  path: string;
  /** Seconds; 0 clears the cookie. */
  maxAge: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: CookieSameSite;
}

/** A transport-neutral answer. `drop` asks the adapter to lose it, as a broken network would. */
export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  cookies: SetCookie[];
  body: string | null;
  drop?: true;
}

/** One session as `/me/list` shows it (snake_case, unknown values `""`). */
export interface WireSessionView {
  id: string;
  device_model: string;
  device_type: 'desktop' | 'mobile' | 'tablet' | 'unknown';
  os_version: string;
  country_code: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  browser_name: string;
  browser_version: string;
}

/** The state of a presented refresh token, as the request log records it. */
export type RefreshTokenState = 'current' | 'grace' | 'rotated' | 'unknown' | 'none';

/** One answered request, for tests that count or audit requests at the server. */
export interface RequestLogEntry {
  method: string;
  /** The path, without query. */
  path: string;
  status: number;
  /** Server time in milliseconds. */
  at: number;
  /** On token endpoints: the refresh token presented and its state when presented. */
  refreshToken?: { state: RefreshTokenState; sessionId?: string; hash: string };
}

/** A fault the server injects into matching requests. */
export interface FaultRule {
  /** The path to match, relative to `/v1/session` (`"/refresh"`) or absolute; all paths when absent. */
  path?: string;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Latency added before the request is handled. */
  latencyMs?: number;
  /** A 5xx or 429 answered before anything is committed (the refresh token is not spent). */
  status?: number;
  /** `Retry-After` of a 429 (default 1). */
  retryAfterSeconds?: number;
  /** Handle the request, commit, then lose the answer. */
  dropResponse?: true;
}

/** Fault injection for reliability tests. */
export interface FaultInjector {
  add(rule: FaultRule): void;
  clear(): void;
}

/** Backend operations outside the wire protocol. */
export interface SessionServerAdmin {
  /** Revokes every live session of a user; resolves to how many. */
  revokeUserSessions(userId: string): Promise<number>;
  /** The user's live sessions, wire-shaped, in list order. */
  listUserSessions(userId: string): Promise<WireSessionView[]>;
  /** Whether a session is live (for app backends' `isSessionActive` check). */
  isSessionActive(sessionId: string): Promise<boolean>;
  /**
   * Rotates the access-token signing key. The new key is in the JWKS at once and signs 300 s
   * later (the JWKS `max-age`, by the server clock), so a verifier holding a cached JWKS never
   * meets an unknown `kid`; the old key signs until then and stays published until its last
   * token expires. Instances sharing a store switch together. A second call before the switch
   * replaces the waiting key, and restarts the wait.
   */
  rotateSigningKey(): Promise<void>;
}

/** The reference session server. */
export interface SessionServer {
  /** Answers one transport-neutral request. */
  handle(request: CoreRequest): Promise<CoreResponse>;
  /**
   * Answers a Fetch API request (Node 20+, Workers, Deno). A dropped answer rejects with
   * `TypeError`. A `Request` does not carry the client's address: pass it as `remoteAddress`
   * (Deno's `info.remoteAddr.hostname`, Cloudflare's `CF-Connecting-IP`), or use `trustProxy`,
   * for the per-address rate limit to apply.
   */
  fetch(request: Request, info?: { remoteAddress?: string | undefined }): Promise<Response>;
  admin: SessionServerAdmin;
  faults: FaultInjector;
  /** The JWKS of the access-token signing keys. */
  jwks(): Promise<{ keys: Array<Record<string, unknown>> }>;
  /** The server clock, in milliseconds. */
  now(): number;
  /** The configured issuer (else `publicOrigin`, else the origin of the latest request). */
  readonly issuer: string | undefined;
  /** The configured `publicOrigin`, as an origin. */
  readonly publicOrigin: string | undefined;
  /** Subscribes to the request log; returns the unsubscribe function. */
  onRequest(listener: (entry: RequestLogEntry) => void): () => void;
}
