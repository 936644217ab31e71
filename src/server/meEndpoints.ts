import type { AccessTokenClaims } from './accessTokenClaims';
import type { RequestContext, ServerContext } from './context';
import { InvalidTokenError, VerifierError } from './errors';
import { HttpError, type SessionEndReason } from './httpError';
import { IAT_WINDOW_SECONDS, clearedRefreshToken, type Reply } from './reply';
import { authenticateResourceRequest } from './resourceAuth';
import {
  listLiveSessions,
  revokeSession,
  sessionEndReason,
  sessionKey,
  toWireView,
  type SessionRecord,
} from './sessions';

const DIGITS = /^\d+$/;

/**
 * Authenticates a `/me/*` request with the one shared resource check, including session
 * liveness, so a revoked session's access tokens stop working at once.
 */
async function authenticate(
  server: ServerContext,
  ctx: RequestContext,
): Promise<AccessTokenClaims> {
  let ended: SessionEndReason | undefined;
  try {
    const { claims } = await authenticateResourceRequest({
      authorization: ctx.headers.get('authorization'),
      dpop: ctx.headers.get('dpop'),
      method: ctx.method,
      url: ctx.publicUrl,
      nowSeconds: Math.floor(ctx.nowMs / 1000),
      verifyToken: (token) => server.tokens.verify(token, { issuer: ctx.issuer }),
      nonce: server.nonce,
      replay: server.replay,
      iatWindowSeconds: IAT_WINDOW_SECONDS,
      async isSessionActive(sid) {
        const session = await server.store.get<SessionRecord>(sessionKey(sid));
        ended = session ? sessionEndReason(session, ctx.nowMs, server.options) : 'expired';
        return ended === undefined;
      },
    });
    return claims;
  } catch (error) {
    if (!(error instanceof VerifierError)) throw error;
    const headers: Record<string, string> = {};
    if (error.status === 401) headers['WWW-Authenticate'] = error.wwwAuthenticate;
    if (error.nonce !== undefined) headers['DPoP-Nonce'] = error.nonce;
    // The shared check knows only "inactive"; this server knows why the session ended.
    const reason =
      error instanceof InvalidTokenError && error.reason ? (ended ?? error.reason) : undefined;
    throw new HttpError(error.status, error.code, {
      headers,
      cause: error,
      ...(reason ? { reason } : {}),
    });
  }
}

function readPagination(query: URLSearchParams): { limit: number; offset: number } {
  const limitText = query.get('limit');
  const offsetText = query.get('offset');
  const limit = limitText === null ? 10 : DIGITS.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw new HttpError(400, 'invalid_pagination_limit');
  if (offsetText !== null && !DIGITS.test(offsetText)) {
    throw new HttpError(400, 'invalid_pagination_offset');
  }
  // Any digits are a valid offset; one beyond the safe integers is past every end, and is
  // echoed as the largest safe integer rather than an imprecise number or Infinity.
  const offset = Math.min(Number(offsetText ?? 0), Number.MAX_SAFE_INTEGER);
  return { limit, offset };
}

/** GET /me/list: the caller's live sessions, newest activity first, one page. */
export async function listSessions(server: ServerContext, ctx: RequestContext): Promise<Reply> {
  const claims = await authenticate(server, ctx);
  const { limit, offset } = readPagination(ctx.query);
  const sessions = await listLiveSessions(server.store, claims.sub, ctx.nowMs, server.options);
  return {
    status: 200,
    body: {
      sessions: sessions.slice(offset, offset + limit).map((s) => toWireView(s, server.options)),
      total: sessions.length,
      limit,
      offset,
    },
  };
}

/** POST /me/revoke: ends `all`, `others`, `mine` or one `session` of the caller. */
export async function revokeSessions(server: ServerContext, ctx: RequestContext): Promise<Reply> {
  const claims = await authenticate(server, ctx);
  const target = ctx.query.get('target');
  const sessionId = ctx.query.get('session_id')?.trim();
  if (target !== 'all' && target !== 'others' && target !== 'mine' && target !== 'session') {
    throw new HttpError(400, 'bad_request');
  }
  if (target === 'session' && !sessionId) throw new HttpError(400, 'bad_request');

  const live = await listLiveSessions(server.store, claims.sub, ctx.nowMs, server.options);
  let ids: string[];
  if (target === 'all') ids = live.map((s) => s.id);
  else if (target === 'others') ids = live.filter((s) => s.id !== claims.sid).map((s) => s.id);
  else if (target === 'mine') ids = [claims.sid];
  else {
    if (!live.some((s) => s.id === sessionId)) throw new HttpError(404, 'not_found');
    ids = [sessionId as string];
  }
  await Promise.all(ids.map((id) => revokeSession(server.store, id, 'revoked', ctx.nowMs)));
  return {
    status: 204,
    cookies: ids.includes(claims.sid) ? clearedRefreshToken(server, ctx) : [],
  };
}
