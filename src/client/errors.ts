import type { SignOutReason } from './types';

/** Every `code` a {@link SessionError} can carry; `switch (err.code)` narrows on it. */
export type SessionErrorCode =
  | 'unauthorized'
  | 'token_reused'
  | 'invalid_dpop_proof'
  | 'missing_dpop_proof'
  | 'use_dpop_nonce'
  | 'dpop_key_mismatch'
  | 'network_error'
  | 'server_error'
  | 'rate_limited'
  | 'lock_timeout'
  | 'protocol_error'
  | 'disposed'
  | 'not_found'
  | 'bad_request'
  | 'invalid_pagination_limit'
  | 'invalid_pagination_offset'
  | 'unexpected_error';

/** The DPoP error codes of RFC 9449 and the kit's key binding check. */
export type DpopErrorCode = Extract<
  SessionErrorCode,
  'invalid_dpop_proof' | 'missing_dpop_proof' | 'use_dpop_nonce' | 'dpop_key_mismatch'
>;

const brandOf = (name: string): symbol => Symbol.for('react-dpop-session.' + name);

/**
 * Base class of every error the session client throws: a stable `code`, whether
 * a retry may help, and the underlying `cause`.
 *
 * `instanceof` works across duplicated copies of the package (ESM and CJS),
 * because classes are matched by a `Symbol.for` brand, not by identity.
 *
 * @example
 * try { await client.refresh() } catch (err) {
 *   if (isSessionError(err) && err.code === 'network_error') showOfflineBanner()
 * }
 */
export class SessionError extends Error {
  /** Stable, machine-readable; never changes between versions. */
  declare readonly code: SessionErrorCode;
  /** True when trying again later may succeed (network, 5xx, 429, lock timeout). */
  declare readonly retryable: boolean;

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retryable = /^(network_error|server_error|rate_limited|lock_timeout)$/.test(code);
    this.name = (new.target as typeof SessionError).brand;
  }

  /** The brand name this class is matched by. */
  static brand = 'SessionError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // An app's own subclass (no brand of its own) matches its own instances only.
    if (!Object.hasOwn(this, 'brand'))
      return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[brandOf((this as typeof SessionError).brand)] === true
    );
  }
}

/** The session is over (no, expired or revoked session), or the credentials were refused. */
export class UnauthorizedError extends SessionError {
  declare readonly code: 'unauthorized';
  static override brand = 'UnauthorizedError';
  /** Why the server ended the session (`"expired"` when it gave no reason). */
  declare readonly reason: Extract<SignOutReason, 'revoked' | 'expired' | 'reused'>;
  constructor(
    message: string,
    reason: UnauthorizedError['reason'] = 'expired',
    options?: { cause?: unknown },
  ) {
    super('unauthorized', message, options);
    this.reason = reason;
  }
}

/** A spent refresh token was presented again; the server revoked the whole session. */
export class TokenReusedError extends SessionError {
  declare readonly code: 'token_reused';
  static override brand = 'TokenReusedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('token_reused', message, options);
  }
}

/**
 * The server refused the DPoP proof or its key.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export class DpopError extends SessionError {
  declare readonly code: DpopErrorCode;
  static override brand = 'DpopError';
}

/** The request did not reach the server or its answer was lost (offline, timeout). */
export class NetworkError extends SessionError {
  declare readonly code: 'network_error';
  static override brand = 'NetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('network_error', message, options);
  }
}

/** The server answered with a 5xx status, whatever its body. */
export class ServerError extends SessionError {
  declare readonly code: 'server_error';
  static override brand = 'ServerError';
  declare readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super('server_error', message, options);
    this.status = status;
  }
}

/** The server answered 429; try again after `retryAfterSeconds`. */
export class RateLimitedError extends SessionError {
  declare readonly code: 'rate_limited';
  static override brand = 'RateLimitedError';
  declare readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message: string, options?: { cause?: unknown }) {
    super('rate_limited', message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The cross-tab refresh lock was not granted in time; no refresh was made. */
export class LockTimeoutError extends SessionError {
  declare readonly code: 'lock_timeout';
  static override brand = 'LockTimeoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('lock_timeout', message, options);
  }
}

/** The server's answer does not follow the protocol (malformed 2xx or error body). */
export class ProtocolError extends SessionError {
  declare readonly code: 'protocol_error';
  static override brand = 'ProtocolError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('protocol_error', message, options);
  }
}

/** The client was disposed; create a new one. */
export class DisposedError extends SessionError {
  declare readonly code: 'disposed';
  static override brand = 'DisposedError';
  constructor() {
    super('disposed', 'Session client disposed');
  }
}

/** The session to revoke does not exist or belongs to another user. */
export class NotFoundError extends SessionError {
  declare readonly code: 'not_found';
  static override brand = 'NotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

/** The server refused the request as malformed (bad body or query). */
export class BadRequestError extends SessionError {
  declare readonly code: 'bad_request' | 'invalid_pagination_limit' | 'invalid_pagination_offset';
  static override brand = 'BadRequestError';
}

/**
 * A refresh failed for a reason outside the protocol: a platform API or an app-supplied
 * option (`now`, say) threw. `cause` holds what was thrown.
 */
export class UnexpectedError extends SessionError {
  declare readonly code: 'unexpected_error';
  static override brand = 'UnexpectedError';
  constructor(cause: unknown) {
    super('unexpected_error', 'Refresh failed unexpectedly (see cause)', { cause });
  }
}

/** Any concrete session error; `switch (err.code)` narrows it to its class. */
export type AnySessionError =
  | UnauthorizedError
  | TokenReusedError
  | DpopError
  | NetworkError
  | ServerError
  | RateLimitedError
  | LockTimeoutError
  | ProtocolError
  | DisposedError
  | NotFoundError
  | BadRequestError
  | UnexpectedError;

for (const cls of [
  SessionError,
  UnauthorizedError,
  TokenReusedError,
  DpopError,
  NetworkError,
  ServerError,
  RateLimitedError,
  LockTimeoutError,
  ProtocolError,
  DisposedError,
  NotFoundError,
  BadRequestError,
  UnexpectedError,
]) {
  Object.defineProperty(cls.prototype, brandOf(cls.brand), { value: true });
}

/**
 * Whether `value` is an error of this package, from any copy of it.
 * @example
 * if (isSessionError(err)) switch (err.code) { case 'rate_limited': wait(err.retryAfterSeconds) }
 */
export const isSessionError = (value: unknown): value is AnySessionError =>
  value instanceof SessionError;
