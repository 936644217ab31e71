import {
  BadRequestError,
  DpopError,
  NotFoundError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  TokenReusedError,
  UnauthorizedError,
} from './errors';
import type { DpopErrorCode, SessionError } from './errors';
import type { SessionPage, SessionView } from './types';

/** The path the client appends to `baseUrl`. */
export const API_PATH = '/v1/session';

/** A token answer (`/login/finalize`, `/refresh`), validated. */
export interface TokenAnswer {
  accessToken: string;
  /** Access token expiry, server clock, milliseconds. */
  expiresAt: number;
  claims: AccessTokenClaims;
}

/** The claims the client reads from an access token. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  exp: number;
  iat?: number;
  cnf?: { jkt?: string };
  [claim: string]: unknown;
}

type Json = Record<string, unknown>;

/** The error for an answer that breaks the protocol at `what`. */
export const malformed = (what: string) => new ProtocolError('Malformed answer: ' + what);
/** `v` as a JSON object, else a `ProtocolError` naming `what`. */
const object = (v: unknown, what = 'body'): Json => {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
  throw malformed(what);
};
const str = (o: Json, k: string, optional?: boolean): string | undefined => {
  const v = o[k];
  if (typeof v === 'string' || (optional && v === undefined)) return v as string | undefined;
  throw malformed(k);
};

/** Decodes (without verifying: the client is not the audience) an access token's payload. */
export function decodeAccessToken(token: string): AccessTokenClaims {
  let claims: unknown;
  try {
    const b = atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(b, (c) => c.charCodeAt(0))));
  } catch {
    // No cause: a parser's message would quote the token.
  }
  const c = object(claims, 'access_token');
  if (typeof c.exp !== 'number') throw malformed('access_token');
  str(c, 'sub');
  str(c, 'sid');
  return c as AccessTokenClaims;
}

/** Validates a token answer. */
export function parseTokenAnswer(body: unknown): TokenAnswer {
  const accessToken = str(object(body), 'access_token')!;
  const exp = (body as Json).expires_at;
  const claims = decodeAccessToken(accessToken);
  // A real expiry is a valid date after the token was issued (8.64e12 s is Date's limit).
  const issued = typeof claims.iat === 'number' ? claims.iat : 0;
  if (typeof exp !== 'number' || !(exp > issued && exp < 8.64e12)) throw malformed('expires_at');
  return { accessToken, expiresAt: exp * 1000, claims };
}

/** Validates the password step's answer and returns its challenge token. */
export const parseChallenge = (body: unknown): string => str(object(body), 'challenge_token')!;

const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'];
const VIEW_FIELDS =
  'id device_type device_model os_version country_code created_at last_seen_at expires_at browser_name browser_version'.split(
    ' ',
  );

/** Validates a `/me/list` page and converts it to camelCase, marking the current session. */
export function parseSessionPage(body: unknown, currentSessionId: string | null): SessionPage {
  const page = object(body, 'sessions');
  if (!Array.isArray(page.sessions)) throw malformed('sessions');
  const num = (k: string) => {
    const v = page[k];
    if (!Number.isInteger(v) || (v as number) < 0) throw malformed(k);
    return v as number;
  };
  const sessions = page.sessions.map((item: unknown) => {
    const s = object(item, 'session');
    const view: Record<string, unknown> = {};
    for (const k of VIEW_FIELDS) {
      // browser_name and browser_version are a protocol extension: they may be absent.
      let v: unknown = str(s, k, k[0] === 'b');
      if (v === undefined) continue;
      if (k.endsWith('_at')) {
        v = new Date(v as string);
        if (isNaN((v as Date).getTime())) throw malformed(k);
      }
      view[k.replace(/_(.)/g, (_, c: string) => c.toUpperCase())] = v;
    }
    if (!DEVICE_TYPES.includes(view.deviceType as string)) view.deviceType = 'unknown';
    view.isCurrent = s.id === currentSessionId;
    return view as unknown as SessionView;
  });
  return { sessions, total: num('total'), limit: num('limit'), offset: num('offset') };
}

/** The longest wait a `Retry-After` can impose, in seconds; a longer one is clamped to it. */
export const MAX_RETRY_AFTER_SECONDS = 300;

/**
 * Reads `Retry-After` (delay-seconds, or an HTTP-date against the server clock `now`, ms)
 * as whole seconds from 0 to {@link MAX_RETRY_AFTER_SECONDS}; 1 when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
/**
 * Reads an HTTP-date, which is always GMT (RFC 9110 §5.6.7): `Date.parse` would read the
 * obsolete asctime form, which names no zone, as local time.
 */
export const parseHttpDate = (v: string) => Date.parse(/GMT$/.test(v) ? v : v + ' GMT');

export function parseRetryAfter(value: string | null, now: number): number {
  const v = value ?? ''; // `Headers` trims values
  // A date starts with a day name; without this test `Date.parse('-5')` reads a year.
  const s = /^\d+$/.test(v)
    ? Number(v)
    : /^[a-z]{3}/i.test(v)
      ? Math.ceil((parseHttpDate(v) - now) / 1000)
      : NaN;
  return isNaN(s) ? 1 : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, s));
}

/**
 * Maps a non-2xx answer to a typed error. Any 5xx is a `ServerError` and any 429 a
 * `RateLimitedError`, whatever the body (a proxy or CDN answers those too); another 4xx
 * without the protocol's error body is a `ProtocolError`.
 */
export function toError(status: number, body: unknown, retryAfterSeconds = 1): SessionError {
  if (status >= 500) return new ServerError(status, `Server error (${status})`);
  if (status === 429) return new RateLimitedError(retryAfterSeconds, 'Refused: rate_limited (429)');
  const e = body as Json | null;
  const code = e?.code;
  if (typeof code !== 'string' || typeof e!.message !== 'string' || typeof e!.type !== 'string')
    return malformed(`error body (${status})`);
  const message = `Refused: ${code} (${status})`;
  const r = e!.reason;
  return code === 'unauthorized'
    ? new UnauthorizedError(message, r === 'revoked' || r === 'reused' ? r : 'expired')
    : code === 'token_reused'
      ? new TokenReusedError(message)
      : // The four DPoP codes are the only ones naming it.
        code.includes('dpop')
        ? new DpopError(code as DpopErrorCode, message)
        : status === 404
          ? new NotFoundError(message)
          : status === 401
            ? new UnauthorizedError(message)
            : new BadRequestError(
                /^invalid_pagination_(limit|offset)$/.test(code)
                  ? (code as BadRequestError['code'])
                  : 'bad_request',
                message,
              );
}
