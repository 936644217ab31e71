/** The statuses the protocol derives an error `type` from; any other 5xx is `internal`. */
const TYPES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  429: 'rate_limited',
  500: 'internal',
};

const MESSAGES: Record<string, string> = {
  bad_request: 'The request is malformed.',
  missing_dpop_proof: 'A DPoP proof is required.',
  invalid_dpop_proof: 'The DPoP proof is invalid.',
  use_dpop_nonce: 'Retry with the nonce in the DPoP-Nonce header.',
  unauthorized: 'Not signed in, or the session has ended.',
  dpop_key_mismatch: 'The proof key does not match the session.',
  token_reused: 'A used refresh token was presented again; the session is revoked.',
  rate_limited: 'Too many requests; retry later.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  invalid_pagination_limit: 'limit must be an integer from 1 to 100.',
  invalid_pagination_offset: 'offset must be a non-negative integer.',
  internal: 'Internal server error.',
};

/** The error `type` the protocol derives from an HTTP status. */
export function errorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** A protocol error body `{code, message, type}` (plus `reason` for a 401 about a session). */
export function errorBody(
  status: number,
  code: string,
  reason?: string,
): { code: string; message: string; type: string; reason?: string } {
  return {
    code,
    message: MESSAGES[code] ?? 'The request failed.',
    type: errorType(status),
    ...(reason ? { reason } : {}),
  };
}

/** Why a session can no longer be used, as the `reason` of a 401 `unauthorized`. */
export type SessionEndReason = 'revoked' | 'expired' | 'reused';

/**
 * A protocol error answer, thrown inside the core and turned into a response at its edge.
 * Internal: it never leaves the server.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason: SessionEndReason | undefined;
  readonly headers: Record<string, string>;
  /** Clear the refresh cookie on this answer. */
  readonly clearRefreshToken: boolean;

  constructor(
    status: number,
    code: string,
    extra: {
      reason?: SessionEndReason;
      headers?: Record<string, string>;
      clearRefreshToken?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(MESSAGES[code] ?? code, { cause: extra.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.reason = extra.reason;
    this.headers = extra.headers ?? {};
    this.clearRefreshToken = extra.clearRefreshToken ?? false;
  }
}
