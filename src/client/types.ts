import type { SessionError } from './errors';

/** Claims of the profile carried in the access token. Apps narrow it with a generic. */
export type Profile = Record<string, unknown>;

/** The signed-in user, as Prelude's SDKs shape it. */
export interface User<P extends Profile = Profile> {
  /** The access token, in memory only. */
  accessToken: string;
  /** Profile claims of the access token (everything but the reserved claims). */
  profile: P;
  sessionId: string;
  userId: string;
  /** When the access token expires, in server time. */
  expiresAt: Date;
}

export type SessionStatus = 'loading' | 'authenticated' | 'unauthenticated' | 'error';

/** Why the user is signed out. */
export type SignOutReason = 'logout' | 'reused' | 'key-lost' | 'revoked' | 'expired';

/**
 * The client's state, for `useSyncExternalStore`. A snapshot object changes
 * identity only when its content changes.
 */
export interface SessionSnapshot<P extends Profile = Profile> {
  status: SessionStatus;
  user?: User<P>;
  error?: SessionError;
  reason?: SignOutReason;
}

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'unknown';

/** One of the user's sessions, from `/me/list`, in camelCase. */
export interface SessionView {
  id: string;
  deviceType: DeviceType;
  deviceModel: string;
  osVersion: string;
  browserName?: string;
  browserVersion?: string;
  countryCode: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  /** True for the session of this device (the access token's `sid`). */
  isCurrent: boolean;
}

export interface SessionPage {
  sessions: SessionView[];
  total: number;
  limit: number;
  offset: number;
}

export interface ListSessionsOptions {
  /** 1..100, default 10. */
  limit?: number;
  /** >= 0, default 0. */
  offset?: number;
}

/** What `revokeSessions` ends. */
export type RevokeTarget = 'all' | 'others' | 'mine' | { session: string };

export type RefreshTokenTransport = 'cookie' | 'header';

/** Injectable platform pieces; each defaults to the browser global, read lazily. */
export interface SessionClientEnvironment {
  fetch?: typeof fetch;
  indexedDB?: IDBFactory | null;
  locks?: LockManager | null;
  BroadcastChannel?: typeof BroadcastChannel | null;
  crypto?: Crypto;
  /** Where `online`, `visibilitychange` and `pageshow` are listened for (default `window`). */
  window?: EventTarget | null;
  /** Whether the browser is online (default `navigator.onLine`). */
  onLine?: () => boolean;
}

export interface SessionClientOptions {
  /** The session API origin (for example `https://app.example.com`); the client adds `/v1/session`. */
  baseUrl: string;
  /** The fetch to use; defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Separates keys, locks and channels of several clients on one origin. Default `"default"`. */
  namespace?: string;
  /** Refresh this many seconds before expiry (default 30, clamped to half the token lifetime). */
  refreshSkewSeconds?: number;
  /** Timeout of one refresh request (default 10 000 ms, below the server's grace window). */
  refreshTimeoutMs?: number;
  /** Longest wait for the cross-tab refresh lock (default 30 000 ms). */
  lockTimeoutMs?: number;
  /** Longest wait for a live peer's or a broadcast token (default 1 000 ms). */
  peerWaitMs?: number;
  /** Clock in milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /** Origins `fetch` attaches tokens to (default: the session API origin). */
  authorizedOrigins?: string[];
  /** Where the refresh token travels (default `"cookie"`). */
  refreshTokenTransport?: RefreshTokenTransport;
  /** Opt-in background refresh before expiry (default false: refresh on demand only). */
  backgroundRefresh?: boolean;
  /** Platform overrides, for tests and unusual hosts. */
  environment?: SessionClientEnvironment;
}

export interface LoginWithPasswordInput {
  identifier: string;
  password: string;
}

export type SessionEvent =
  | { type: 'signed-in'; user: User }
  | { type: 'signed-out'; reason: SignOutReason }
  | { type: 'refreshed'; user: User }
  | { type: 'warning'; message: string; code: string };

export type SessionEventType = SessionEvent['type'];

/** The framework-agnostic DPoP session client. */
export interface SessionClient<P extends Profile = Profile> {
  refresh(): Promise<{ user: User<P> }>;
  getAccessToken(): Promise<string | null>;
  getProfile(): P | null;
  getSessionId(): string | null;
  getAccessTokenExpiresAt(): Date | null;
  invalidateCache(): void;
  logout(): Promise<void>;
  listSessions(options?: ListSessionsOptions): Promise<SessionPage>;
  revokeSessions(target: RevokeTarget): Promise<void>;
  revokeSessions(target: 'session', sessionId: string): Promise<void>;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  loginWithPassword(input: LoginWithPasswordInput): Promise<{ user: User<P> }>;
  finalizeLogin(challengeToken: string): Promise<{ user: User<P> }>;
  getSnapshot(): SessionSnapshot<P>;
  subscribe(listener: () => void): () => void;
  on<T extends SessionEventType>(
    type: T,
    listener: (event: Extract<SessionEvent, { type: T }>) => void,
  ): () => void;
  dispose(): Promise<void>;
}
