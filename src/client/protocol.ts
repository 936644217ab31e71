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
import type { SessionError } from './errors';
import type { DeviceType, SessionPage, SessionView } from './types';

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

const bad = (what: string) => new ProtocolError('Malformed server answer: ' + what);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
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
  } catch (cause) {
    throw new ProtocolError('Malformed server answer: access_token', { cause });
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

const date = (o: Json, k: string) => {
  const d = new Date(str(o, k)!);
  if (isNaN(d.getTime())) throw bad(k);
  return d;
};

/** Validates a `/me/list` page and converts it to camelCase, marking the current session. */
export function parseSessionPage(body: unknown, currentSessionId: string | null): SessionPage {
  if (!isObject(body) || !Array.isArray(body.sessions)) throw bad('sessions');
  const num = (k: string) => {
    const v = body[k];
    if (!Number.isInteger(v) || (v as number) < 0) throw bad(k);
    return v as number;
  };
  const sessions = body.sessions.map((s: unknown): SessionView => {
    if (!isObject(s)) throw bad('session');
    const type = str(s, 'device_type')!;
    const view: SessionView = {
      id: str(s, 'id')!,
      deviceType: (DEVICE_TYPES.includes(type) ? type : 'unknown') as DeviceType,
      deviceModel: str(s, 'device_model')!,
      osVersion: str(s, 'os_version')!,
      countryCode: str(s, 'country_code')!,
      createdAt: date(s, 'created_at'),
      lastSeenAt: date(s, 'last_seen_at'),
      expiresAt: date(s, 'expires_at'),
      isCurrent: s.id === currentSessionId,
    };
    const browserName = str(s, 'browser_name', true);
    const browserVersion = str(s, 'browser_version', true);
    if (browserName !== undefined) view.browserName = browserName;
    if (browserVersion !== undefined) view.browserVersion = browserVersion;
    return view;
  });
  return { sessions, total: num('total'), limit: num('limit'), offset: num('offset') };
}

/**
 * Maps a non-2xx answer to a typed error. Any 5xx is a `ServerError` whatever
 * its body; a 4xx without the protocol's error body is a `ProtocolError`.
 */
export function toError(status: number, body: unknown, retryAfter: string | null): SessionError {
  if (status >= 500) return new ServerError(status, `Session server error (${status})`);
  if (!isObject(body) || typeof body.code !== 'string' || typeof body.message !== 'string' || typeof body.type !== 'string')
    return bad(`error body (${status})`);
  const code = body.code;
  const message = `Session request refused: ${code} (${status})`;
  switch (code) {
    case 'unauthorized': {
      const r = body.reason;
      return new UnauthorizedError(message, r === 'revoked' || r === 'reused' ? r : 'expired');
    }
    case 'token_reused':
      return new TokenReusedError(message);
    case 'invalid_dpop_proof':
    case 'missing_dpop_proof':
    case 'use_dpop_nonce':
    case 'dpop_key_mismatch':
      return new DpopError(code, message);
    case 'rate_limited': {
      const s = Number(retryAfter);
      return new RateLimitedError(Number.isFinite(s) && s >= 0 ? s : 1, message);
    }
    case 'not_found':
      return new NotFoundError(message);
    case 'bad_request':
    case 'invalid_pagination_limit':
    case 'invalid_pagination_offset':
      return new BadRequestError(code, message);
  }
  if (status === 429) return new RateLimitedError(Number(retryAfter) || 1, message);
  if (status === 401) return new UnauthorizedError(message);
  if (status === 404) return new NotFoundError(message);
  return new BadRequestError('bad_request', message);
}
