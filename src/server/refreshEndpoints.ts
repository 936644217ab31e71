import type { RequestContext, ServerContext } from './context';
import { readCountry } from './device';
import { HttpError } from './httpError';
import type { VerifiedProof } from './proofVerifier';
import {
  checkTokenEndpointProof,
  clearedRefreshToken,
  readRefreshToken,
  tokenReply,
  type Reply,
} from './reply';
import {
  isInGrace,
  lookupRefreshToken,
  recoverSuccessor,
  rotateRefreshToken,
  type PresentedToken,
} from './rotation';
import { revokeSession, sessionEndReason, updateSession, type SessionRecord } from './sessions';

// Each retry follows a lost compare-and-swap, i.e. real progress by another request.
const MAX_ROTATION_ATTEMPTS = 20;

function logPresentation(
  ctx: RequestContext,
  presented: PresentedToken,
  state: NonNullable<RequestContext['refreshToken']>['state'] = presented.state,
): void {
  ctx.refreshToken = {
    state,
    hash: presented.hash,
    ...('session' in presented ? { sessionId: presented.session.id } : {}),
  };
}

function unauthorized(
  server: ServerContext,
  ctx: RequestContext,
  reason?: 'revoked' | 'expired' | 'reused',
): HttpError {
  return new HttpError(401, 'unauthorized', {
    ...(reason ? { reason } : {}),
    clearRefreshToken: clearedRefreshToken(server, ctx).length > 0,
  });
}

/** Activity on a refresh: last seen now, and the country of this request when it has one. */
function touch(server: ServerContext, ctx: RequestContext) {
  const header = ctx.headers.get(server.options.countryHeader);
  return (session: SessionRecord): SessionRecord => ({
    ...session,
    lastSeenAtMs: Math.max(session.lastSeenAtMs, ctx.nowMs),
    ...(header === null ? {} : { country: readCountry(header) }),
  });
}

/**
 * POST /refresh: rotates the refresh token by compare-and-swap. A rotated token is answered
 * from grace (direct predecessor, own key, inside the window) or treated as reuse, which
 * revokes the session.
 */
export async function refresh(server: ServerContext, ctx: RequestContext): Promise<Reply> {
  const proof = await checkTokenEndpointProof(server, ctx);
  const token = readRefreshToken(server, ctx);
  const { store, options } = server;

  for (let attempt = 0; attempt < MAX_ROTATION_ATTEMPTS; attempt += 1) {
    const presented = await lookupRefreshToken(store, token);
    logPresentation(ctx, presented);
    if (!token || !('session' in presented)) throw unauthorized(server, ctx);
    const { session } = presented;
    if (attempt === 0) await server.limits.hitRefresh(session.id);

    const ended = sessionEndReason(session, ctx.nowMs, options);
    if (ended) throw unauthorized(server, ctx, ended);

    if (presented.state === 'rotated') {
      const reply = await answerFromGrace(server, ctx, presented, token, proof);
      if (reply === 'retry') continue;
      if (reply) return reply;
      await revokeSession(store, session.id, 'reused', ctx.nowMs);
      throw new HttpError(401, 'token_reused', {
        clearRefreshToken: clearedRefreshToken(server, ctx).length > 0,
      });
    }

    if (proof.jkt !== session.jkt) throw new HttpError(401, 'dpop_key_mismatch');
    const rotated = await rotateRefreshToken(store, {
      token,
      hash: presented.hash,
      session,
      nowMs: ctx.nowMs,
      graceSeconds: options.reuseGraceSeconds,
      update: touch(server, ctx),
    });
    if (rotated) return tokenReply(server, ctx, rotated.session, rotated.token);
  }
  throw new Error('refresh: too much contention');
}

/**
 * The grace answer for a rotated token: the same successor and a fresh access token.
 * `undefined` when grace does not apply (reuse); `'retry'` when the session changed meanwhile.
 */
async function answerFromGrace(
  server: ServerContext,
  ctx: RequestContext,
  presented: PresentedToken & { session: SessionRecord },
  token: string,
  proof: VerifiedProof,
): Promise<Reply | 'retry' | undefined> {
  const { session } = presented;
  const graceSeconds = server.options.reuseGraceSeconds;
  if (!isInGrace(session, presented.hash, ctx.nowMs, graceSeconds)) return undefined;
  if (proof.jkt !== session.jkt) return undefined;
  const successor = await recoverSuccessor(server.store, token, session);
  if (!successor) return undefined;
  // Activity, but the window stays anchored at the rotation: only `lastSeenAtMs` moves.
  const apply = touch(server, ctx);
  let changed = false;
  const stored = await updateSession(server.store, session.id, (current) => {
    changed = current.refresh.current !== session.refresh.current || Boolean(current.revoked);
    return changed ? undefined : apply(current);
  });
  if (!stored || changed) return 'retry';
  logPresentation(ctx, presented, 'grace');
  return tokenReply(server, ctx, stored, successor);
}

/**
 * POST /revoke (logout): always needs a proof; ends the session of the presented token
 * (any rotated token too) and clears the cookie. Idempotent: 204 when there is no session.
 */
export async function logout(server: ServerContext, ctx: RequestContext): Promise<Reply> {
  const proof = await checkTokenEndpointProof(server, ctx);
  const presented = await lookupRefreshToken(server.store, readRefreshToken(server, ctx));
  const graceSeconds = server.options.reuseGraceSeconds;
  const inGrace =
    presented.state === 'rotated' &&
    isInGrace(presented.session, presented.hash, ctx.nowMs, graceSeconds);
  logPresentation(ctx, presented, inGrace ? 'grace' : presented.state);

  if ('session' in presented && !sessionEndReason(presented.session, ctx.nowMs, server.options)) {
    const { session } = presented;
    if (presented.state === 'current' && proof.jkt !== session.jkt) {
      throw new HttpError(401, 'dpop_key_mismatch');
    }
    const reason = presented.state === 'rotated' && !inGrace ? 'reused' : 'revoked';
    await revokeSession(server.store, session.id, reason, ctx.nowMs);
  }
  return { status: 204, cookies: clearedRefreshToken(server, ctx) };
}
