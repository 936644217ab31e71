import { isInsecureLocalhost, readCookie } from './cookies';
import type { RequestContext, ServerContext } from './context';
import { VerifierError } from './errors';
import { HttpError } from './httpError';
import { verifyProof, type VerifiedProof } from './proofVerifier';
import { sessionEndMs, type SessionRecord } from './sessions';
import type { SetCookie } from './types';

/** What a handler answers; the core adds the common headers and serialises the body. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  cookies?: SetCookie[];
}

/** Proof limits of the protocol: `iat` within ±60 s. */
export const IAT_WINDOW_SECONDS = 60;

/**
 * Checks the `DPoP` proof of a token endpoint (missing, malformed, signature, claims,
 * nonce, then `jti` replay), answering failures with 400 as an OAuth token endpoint does.
 */
export async function checkTokenEndpointProof(
  server: ServerContext,
  ctx: RequestContext,
): Promise<VerifiedProof> {
  try {
    return await verifyProof({
      header: ctx.headers.get('dpop'),
      method: ctx.method,
      url: ctx.publicUrl,
      nowSeconds: Math.floor(ctx.nowMs / 1000),
      nonce: server.nonce,
      replay: server.replay,
      iatWindowSeconds: IAT_WINDOW_SECONDS,
    });
  } catch (error) {
    if (!(error instanceof VerifierError)) throw error;
    throw new HttpError(400, error.code, {
      cause: error,
      headers: error.nonce === undefined ? {} : { 'DPoP-Nonce': error.nonce },
    });
  }
}

/** The refresh token a request presents: `X-Refresh-Token` wins over the cookie. */
export function readRefreshToken(server: ServerContext, ctx: RequestContext): string | undefined {
  const header = ctx.headers.get('x-refresh-token')?.trim();
  if (header) return header;
  return readCookie(ctx.headers.get('cookie'), server.options.cookieName) || undefined;
}

function refreshCookie(
  server: ServerContext,
  ctx: RequestContext,
  value: string,
  maxAge: number,
): SetCookie {
  const { cookieName, cookiePath, cookieSameSite, cookieSecure } = server.options;
  return {
    name: cookieName,
    value,
    path: cookiePath,
    maxAge,
    httpOnly: true,
    // Browsers refuse `SameSite=None` without `Secure`, and take `Secure` from localhost.
    secure: cookieSecure ?? (cookieSameSite === 'None' || !isInsecureLocalhost(ctx.origin)),
    sameSite: cookieSameSite,
  };
}

/** The cookie that clears the refresh token (cookie transports only). */
export function clearedRefreshToken(server: ServerContext, ctx: RequestContext): SetCookie[] {
  return server.options.refreshTokenTransport === 'header'
    ? []
    : [refreshCookie(server, ctx, '', 0)];
}

/**
 * A 200 token answer: a fresh access token (bound when configured, `exp` capped at the
 * session's end) and the refresh token through the configured transports.
 */
export async function tokenReply(
  server: ServerContext,
  ctx: RequestContext,
  session: SessionRecord,
  refreshToken: string,
): Promise<Reply> {
  const { options } = server;
  const { accessToken, expiresAt } = await server.tokens.issue({
    userId: session.userId,
    sessionId: session.id,
    profile: server.users.byId(session.userId)?.profile ?? {},
    ...(options.bindAccessTokens ? { jkt: session.jkt } : {}),
    issuer: ctx.issuer,
    notAfterSeconds: Math.floor(sessionEndMs(session, options) / 1000),
  });
  const transport = options.refreshTokenTransport;
  const headers: Record<string, string> = {};
  const cookies: SetCookie[] = [];
  if (transport !== 'cookie') {
    headers['X-Refresh-Token'] = refreshToken;
    headers['X-Refresh-Token-Expires-At'] = String(Math.floor(session.absoluteEndMs / 1000));
  }
  if (transport !== 'header') {
    const maxAge = Math.max(0, Math.floor((session.absoluteEndMs - ctx.nowMs) / 1000));
    cookies.push(refreshCookie(server, ctx, refreshToken, maxAge));
  }
  return {
    status: 200,
    body: { access_token: accessToken, expires_at: expiresAt },
    headers,
    cookies,
  };
}
