/**
 * Errors raised by the reference server's verifiers and by the public backend helpers
 * (`verifyAccessToken`, `verifyDpopRequest`).
 *
 * One base class with a stable `code`, one subclass per kind. Each class is branded with
 * `Symbol.for`, so `instanceof` holds across duplicated ESM/CJS copies of the package.
 */
import { errorType } from './httpError';
import type { SessionEndReason } from './httpError';

/** The stable codes a verifier failure carries; `switch (err.code)` narrows on them. */
export type VerifierErrorCode =
  | 'unauthorized'
  | 'missing_dpop_proof'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'dpop_key_mismatch';

/** Why a session-bound credential stopped working (PROTOCOL ext `reason`). */
export type { SessionEndReason } from './httpError';

/** The authentication scheme a `WWW-Authenticate` challenge names. */
export type ChallengeScheme = 'DPoP' | 'Bearer';

/** Options every verifier error accepts. */
export interface VerifierErrorOptions {
  /** The underlying failure, kept non-enumerable like the native `cause`. */
  cause?: unknown;
  /** HTTP status for the answer; 401 (resource checks) unless given. */
  status?: number;
  /** Scheme of the challenge; `DPoP` unless given. */
  scheme?: ChallengeScheme;
  /** The current nonce, for `use_dpop_nonce`. */
  nonce?: string;
  /** Why the session is no longer usable, for session-liveness failures. */
  reason?: SessionEndReason;
  /**
   * The request carried no credentials at all: the challenge then names no error code
   * (RFC 6750 §3.1).
   */
  noCredentials?: boolean;
}

/** The RFC 6750 / RFC 9449 error code a `WWW-Authenticate` challenge carries for each kit code. */
const challengeCodes: Record<VerifierErrorCode, string> = {
  unauthorized: 'invalid_token',
  missing_dpop_proof: 'invalid_dpop_proof',
  invalid_dpop_proof: 'invalid_dpop_proof',
  use_dpop_nonce: 'use_dpop_nonce',
  dpop_key_mismatch: 'invalid_dpop_proof',
};

const brandKey = Symbol.for('react-dpop-session.brand');

function quote(value: string): string {
  // A challenge parameter is a quoted-string: keep it to printable ASCII and escape quotes.
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Base class of every verifier failure: a stable `code`, the HTTP `status`, and the
 * `WWW-Authenticate` challenge to answer with.
 *
 * @example
 * try { await verifyDpopRequest(request, options) }
 * catch (err) { if (err instanceof VerifierError) return err.toResponse() }
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export class VerifierError extends Error {
  /** Brand checked by `instanceof` across package copies. */
  static readonly brand: symbol = Symbol.for('react-dpop-session.VerifierError');
  /** The stable machine-readable code. */
  readonly code: VerifierErrorCode;
  /** HTTP status to answer with. */
  readonly status: number;
  /** Scheme named by the challenge. */
  readonly scheme: ChallengeScheme;
  /** The current DPoP nonce, set on `use_dpop_nonce`. */
  readonly nonce?: string;
  /** Why the session ended, for session-liveness failures. */
  readonly reason?: SessionEndReason;
  declare private readonly noCredentials: boolean;

  constructor(code: VerifierErrorCode, message: string, options: VerifierErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 401;
    this.scheme = options.scheme ?? 'DPoP';
    if (options.nonce !== undefined) this.nonce = options.nonce;
    if (options.reason !== undefined) this.reason = options.reason;
    Object.defineProperty(this, 'noCredentials', {
      value: options.noCredentials === true,
      enumerable: false,
    });
    const brands: symbol[] = [];
    for (let c: unknown = new.target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
      if (Object.prototype.hasOwnProperty.call(c, 'brand'))
        brands.push((c as unknown as { brand: symbol }).brand);
      if (c === VerifierError) break;
    }
    Object.defineProperty(this, brandKey, { value: brands, enumerable: false });
  }

  /** Matches any object branded by this class, whichever copy of the package made it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // An app's own subclass (no brand of its own) matches its own instances only.
    if (!Object.hasOwn(this, 'brand'))
      return Function.prototype[Symbol.hasInstance].call(this, value);
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [brandKey]?: unknown })[brandKey];
    return Array.isArray(brands) && brands.includes(this.brand);
  }

  /** The `WWW-Authenticate` value for this failure (RFC 9449 §7.1, RFC 6750 §3). */
  get wwwAuthenticate(): string {
    const params: string[] = [];
    if (!this.noCredentials) {
      params.push(`error=${quote(challengeCodes[this.code])}`);
      params.push(`error_description=${quote(this.message)}`);
    }
    if (this.scheme === 'DPoP') params.push('algs="ES256"');
    return params.length > 0 ? `${this.scheme} ${params.join(', ')}` : this.scheme;
  }

  /** The protocol's JSON error body: `{code, message, type[, reason]}`. */
  toJSON(): { code: VerifierErrorCode; message: string; type: string; reason?: SessionEndReason } {
    const body: {
      code: VerifierErrorCode;
      message: string;
      type: string;
      reason?: SessionEndReason;
    } = {
      code: this.code,
      message: this.message,
      type: errorType(this.status),
    };
    if (this.reason !== undefined) body.reason = this.reason;
    return body;
  }

  /**
   * A ready answer: the JSON body, `WWW-Authenticate` (on 401), `DPoP-Nonce` (when known)
   * and `Cache-Control: no-store`. Needs a global `Response` (Node 18+, Workers, browsers).
   */
  toResponse(): Response {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    };
    if (this.status === 401) headers['www-authenticate'] = this.wwwAuthenticate;
    if (this.nonce !== undefined) headers['dpop-nonce'] = this.nonce;
    return new globalThis.Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers,
    });
  }
}

/**
 * No usable access token: absent, malformed, badly signed, expired, wrong issuer, sent
 * with the wrong scheme, several `Authorization` headers, or its session has ended.
 *
 * @example
 * if (err instanceof InvalidTokenError && err.reason === 'revoked') signOut()
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class InvalidTokenError extends VerifierError {
  static override readonly brand: symbol = Symbol.for('react-dpop-session.InvalidTokenError');
  constructor(message = 'The access token is invalid.', options: VerifierErrorOptions = {}) {
    super('unauthorized', message, options);
  }
}

/**
 * The request carries no `DPoP` proof where one is required.
 *
 * @example
 * if (err instanceof MissingProofError) console.log(err.code) // 'missing_dpop_proof'
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export class MissingProofError extends VerifierError {
  static override readonly brand: symbol = Symbol.for('react-dpop-session.MissingProofError');
  constructor(message = 'A DPoP proof is required.', options: VerifierErrorOptions = {}) {
    super('missing_dpop_proof', message, options);
  }
}

/**
 * The `DPoP` proof fails a check of RFC 9449 §4.3 (or several `DPoP` headers were sent).
 *
 * @example
 * if (err instanceof InvalidProofError) console.log(err.code) // 'invalid_dpop_proof'
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export class InvalidProofError extends VerifierError {
  static override readonly brand: symbol = Symbol.for('react-dpop-session.InvalidProofError');
  constructor(message = 'The DPoP proof is invalid.', options: VerifierErrorOptions = {}) {
    super('invalid_dpop_proof', message, options);
  }
}

/**
 * The server wants a (fresh) nonce in the proof; `nonce` holds the one to use.
 *
 * @example
 * if (err instanceof UseDpopNonceError) retryWithNonce(err.nonce)
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export class UseDpopNonceError extends VerifierError {
  static override readonly brand: symbol = Symbol.for('react-dpop-session.UseDpopNonceError');
  declare readonly nonce: string;
  constructor(
    nonce: string,
    message = 'The DPoP proof must carry the current server nonce.',
    options: Omit<VerifierErrorOptions, 'nonce'> = {},
  ) {
    super('use_dpop_nonce', message, { ...options, nonce });
  }
}

/**
 * The proof is valid but signed by another key than the one the token or session is
 * bound to.
 *
 * @example
 * if (err instanceof KeyMismatchError) console.log(err.code) // 'dpop_key_mismatch'
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.1
 */
export class KeyMismatchError extends VerifierError {
  static override readonly brand: symbol = Symbol.for('react-dpop-session.KeyMismatchError');
  constructor(
    message = 'The DPoP proof key does not match the key bound to the credential.',
    options: VerifierErrorOptions = {},
  ) {
    super('dpop_key_mismatch', message, options);
  }
}
