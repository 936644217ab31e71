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

const MALFORMED = 'Malformed answer: ';
const bad = (what: string) => new ProtocolError(MALFORMED + what);
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, k: string, optional?: boolean): string | undefined => {
  const v = o[k];
  if (typeof v === 'string' || (optional && v === undefined)) return v as string | undefined;
  throw bad(k);
};

/** Decodes (without verifying: the client is not the audience) an access token's payload. */
export function decodeAccessToken(token: string): AccessTokenClaims {
  const part = token.split('.')[1];
  let claims: unknown;
  try {
    const b = atob(part!.replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(b, (c) => c.charCodeAt(0))));
  } catch {
    // No cause: a parser's message would quote the token.
    claims = null;
  }
  if (!isObject(claims) || typeof claims.exp !== 'number') throw bad('access_token');
  str(claims, 'sub');
  str(claims, 'sid');
  return claims as AccessTokenClaims;
}

/** Validates a token answer. */
export function parseTokenAnswer(body: unknown): TokenAnswer {
  if (!isObject(body)) throw bad('body');
  const accessToken = str(body, 'access_token')!;
  const exp = body.expires_at;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw bad('expires_at');
  return { accessToken, expiresAt: exp * 1000, claims: decodeAccessToken(accessToken) };
}

/** Validates the password step's answer and returns its challenge token. */
export function parseChallenge(body: unknown): string {
  if (!isObject(body)) throw bad('body');
  return str(body, 'challenge_token')!;
}

const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'];
const VIEW_FIELDS =
  'id device_type device_model os_version country_code created_at last_seen_at expires_at browser_name browser_version'.split(
    ' ',
  );

/** Validates a `/me/list` page and converts it to camelCase, marking the current session. */
export function parseSessionPage(body: unknown, currentSessionId: string | null): SessionPage {
  if (!isObject(body) || !Array.isArray(body.sessions)) throw bad('sessions');
  const num = (k: string) => {
    const v = body[k];
    if (!Number.isInteger(v) || (v as number) < 0) throw bad(k);
    return v as number;
  };
  const sessions = body.sessions.map((s: unknown) => {
    if (!isObject(s)) throw bad('session');
    const view: Record<string, unknown> = {};
    for (const k of VIEW_FIELDS) {
      // browser_name and browser_version are a protocol extension: they may be absent.
      const v = str(s, k, k[0] === 'b');
      if (v === undefined) continue;
      const d = new Date(v);
      if (k.endsWith('_at') && isNaN(d.getTime())) throw bad(k);
      view[k.replace(/_(.)/g, (_, c: string) => c.toUpperCase())] = k.endsWith('_at') ? d : v;
    }
    if (!DEVICE_TYPES.includes(view.deviceType as string)) view.deviceType = 'unknown';
    view.isCurrent = s.id === currentSessionId;
    return view as unknown as SessionView;
  });
  return { sessions, total: num('total'), limit: num('limit'), offset: num('offset') };
}

/**
 * Maps a non-2xx answer to a typed error. Any 5xx is a `ServerError` whatever
 * its body; a 4xx without the protocol's error body is a `ProtocolError`.
 */
export function toError(status: number, body: unknown, retryAfter: string | null): SessionError {
  if (status >= 500) return new ServerError(status, `Server error (${status})`);
  if (
    !isObject(body) ||
    typeof body.code !== 'string' ||
    typeof body.message !== 'string' ||
    typeof body.type !== 'string'
  )
    return bad(`error body (${status})`);
  const code = body.code;
  const message = `Refused: ${code} (${status})`;
  const r = body.reason;
  return code === 'unauthorized'
    ? new UnauthorizedError(message, r === 'revoked' || r === 'reused' ? r : 'expired')
    : code === 'token_reused'
      ? new TokenReusedError(message)
      : // The four DPoP codes are the only ones naming it.
        code.includes('dpop')
        ? new DpopError(code as DpopErrorCode, message)
        : status === 429
          ? new RateLimitedError(Number(retryAfter) || 1, message)
          : status === 404
            ? new NotFoundError(message)
            : status === 401
              ? new UnauthorizedError(message)
              : new BadRequestError(
                  /^(bad_request|invalid_pagination_(limit|offset))$/.test(code)
                    ? (code as BadRequestError['code'])
                    : 'bad_request',
                  message,
                );
}
