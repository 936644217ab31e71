import type { RequestContext, ServerContext } from './context';
import { describeDevice, readCountry } from './device';
import { randomToken, sha256Base64url } from './encoding';
import { HttpError } from './httpError';
import { readJsonObject } from './jsonBody';
import { checkTokenEndpointProof, readRefreshToken, tokenReply, type Reply } from './reply';
import { lookupRefreshToken } from './rotation';
import { insertSession, newSessionId, revokeSession, type SessionRecord } from './sessions';
import { normalizeIdentifier } from './users';

/** How long a challenge token from the password step can be finalized. */
export const CHALLENGE_TTL_SECONDS = 300;
/** A challenge token is 32 random bytes, base64url. */
const CHALLENGE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

interface ChallengeRecord {
  userId: string;
}

const challengeKey = (hash: string): string => `challenge:${hash}`;

/** POST /login/email/password: checks the password and answers a single-use challenge token. */
export async function passwordLogin(server: ServerContext, ctx: RequestContext): Promise<Reply> {
  const body = readJsonObject(ctx);
  const { identifier, password } = body;
  if (typeof identifier !== 'string' || typeof password !== 'string') {
    throw new HttpError(400, 'bad_request');
  }
  const normalized = normalizeIdentifier(identifier);
  if (!normalized) throw new HttpError(400, 'bad_request');

  const succeeded = await server.limits.passwordAttempt(normalized);
  const user = await server.users.authenticate(normalized, password);
  if (!user) throw new HttpError(401, 'unauthorized');
  await succeeded();
  const challenge = randomToken(32);
  await server.store.set<ChallengeRecord>(
    challengeKey(await sha256Base64url(challenge)),
    { userId: user.id },
    { expiresAtMs: ctx.nowMs + CHALLENGE_TTL_SECONDS * 1000 },
  );
  return { status: 200, body: { challenge_token: challenge } };
}

/**
 * POST /login/finalize: spends the challenge, starts a session bound to the proof's key,
 * and ends the older session whose refresh token this browser still presents.
 */
export async function finalizeLogin(server: ServerContext, ctx: RequestContext): Promise<Reply> {
  const proof = await checkTokenEndpointProof(server, ctx);
  const body = readJsonObject(ctx);
  const challenge = body.challenge_token;
  if (typeof challenge !== 'string' || !CHALLENGE_FORMAT.test(challenge)) {
    throw new HttpError(400, 'bad_request');
  }
  const key = challengeKey(await sha256Base64url(challenge));
  const record = await server.store.get<ChallengeRecord>(key);
  const user = record && server.users.byId(record.userId);
  // Spent only here, after every check passed; a parallel finalize loses the swap.
  if (!record || !user || !(await server.store.compareAndSwap(key, record, undefined))) {
    throw new HttpError(401, 'unauthorized');
  }

  // A re-login leaves no ghost row. Only the same user's session ends: a refresh token alone
  // (stolen, without its key) must not let another account end its owner's session.
  const previous = await lookupRefreshToken(server.store, readRefreshToken(server, ctx));
  if (
    (previous.state === 'current' || previous.state === 'rotated') &&
    previous.session.userId === user.id
  ) {
    await revokeSession(server.store, previous.session.id, 'revoked', ctx.nowMs);
  }

  const refreshToken = randomToken(32);
  const session: SessionRecord = {
    id: newSessionId(),
    userId: user.id,
    jkt: proof.jkt,
    createdAtMs: ctx.nowMs,
    lastSeenAtMs: ctx.nowMs,
    absoluteEndMs: ctx.nowMs + server.options.sessionLifetimeSeconds * 1000,
    device: describeDevice(body.device, ctx.headers.get('user-agent')),
    country: readCountry(ctx.headers.get(server.options.countryHeader)),
    refresh: { current: await sha256Base64url(refreshToken) },
  };
  await insertSession(server.store, session, server.options, ctx.nowMs);
  ctx.refreshToken = {
    state: previous.state === 'none' ? 'none' : previous.state,
    hash: previous.hash,
    ...('session' in previous ? { sessionId: previous.session.id } : {}),
  };
  return tokenReply(server, ctx, session, refreshToken);
}
