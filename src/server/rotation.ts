import { fromBase64url, randomToken, sha256Base64url, toBase64url, utf8 } from './encoding';
import type { SessionStore } from './store';
import {
  recordExpiry,
  refreshTokenKey,
  sessionKey,
  type RefreshTokenRecord,
  type SessionRecord,
} from './sessions';

/** How long a sealed successor outlives its grace window in the store (see `isInGrace`). */
const GRACE_STORE_MARGIN_MS = 10_000;

/** A presented refresh token, looked up. */
export type PresentedToken =
  | { state: 'none'; hash: '' }
  | { state: 'unknown'; hash: string }
  | { state: 'current' | 'rotated'; hash: string; session: SessionRecord };

const graceKey = (successorHash: string): string => `grace:${successorHash}`;

interface SealedSuccessor {
  iv: string;
  data: string;
}

/** Finds the session of a refresh token and whether the token is its current one. */
export async function lookupRefreshToken(
  store: SessionStore,
  token: string | undefined,
): Promise<PresentedToken> {
  if (!token) return { state: 'none', hash: '' };
  const hash = await sha256Base64url(token);
  const record = await store.get<RefreshTokenRecord>(refreshTokenKey(hash));
  const session = record && (await store.get<SessionRecord>(sessionKey(record.sessionId)));
  if (!session) return { state: 'unknown', hash };
  return { state: session.refresh.current === hash ? 'current' : 'rotated', hash, session };
}

/**
 * Whether a rotated token may still be answered with its successor: it is the direct
 * predecessor of the current token and was rotated strictly less than `graceSeconds` ago.
 * The key check is the caller's.
 */
export function isInGrace(
  session: SessionRecord,
  hash: string,
  nowMs: number,
  graceSeconds: number,
): boolean {
  const previous = session.refresh.previous;
  return (
    graceSeconds > 0 &&
    previous !== undefined &&
    previous.hash === hash &&
    nowMs - previous.rotatedAtMs < graceSeconds * 1000
  );
}

// The successor is sealed with a key only the predecessor token's holder can derive, so
// the store holds no usable token, and the sealed copy expires with the grace window.
async function graceCipherKey(predecessor: string, sessionId: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', utf8(predecessor), 'HKDF', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: utf8(sessionId),
      info: utf8('react-dpop-session grace'),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Rotates the current refresh token of `session` by compare-and-swap. Resolves to the
 * successor token and the stored session, or `undefined` when another request changed
 * the session first (the caller looks the token up again).
 */
export async function rotateRefreshToken(
  store: SessionStore,
  options: {
    token: string;
    hash: string;
    session: SessionRecord;
    nowMs: number;
    graceSeconds: number;
    update: (session: SessionRecord) => SessionRecord;
  },
): Promise<{ token: string; session: SessionRecord } | undefined> {
  const { token, hash, session, nowMs, graceSeconds } = options;
  const successor = randomToken(32);
  const successorHash = await sha256Base64url(successor);
  const expiry = recordExpiry(session);

  // Written before the swap so a request that loses the race can already find them; a
  // losing request's entries name a token nobody ever received, and expire.
  await store.set<RefreshTokenRecord>(
    refreshTokenKey(successorHash),
    { sessionId: session.id },
    expiry,
  );
  if (graceSeconds > 0) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8(successorHash) },
      await graceCipherKey(token, session.id),
      utf8(successor),
    );
    await store.set<SealedSuccessor>(
      graceKey(successorHash),
      { iv: toBase64url(iv), data: toBase64url(new Uint8Array(sealed)) },
      // Kept a margin past the window: `isInGrace` judges it at the request's time, and a
      // store read a moment later must still find the copy.
      {
        expiresAtMs:
          Math.min(nowMs + graceSeconds * 1000, session.absoluteEndMs) + GRACE_STORE_MARGIN_MS,
      },
    );
  }

  const next = options.update({
    ...session,
    refresh: { current: successorHash, previous: { hash, rotatedAtMs: nowMs } },
  });
  const swapped = await store.compareAndSwap(sessionKey(session.id), session, next, expiry);
  return swapped ? { token: successor, session: next } : undefined;
}

/**
 * Recovers the current refresh token of `session` from its direct predecessor `token`,
 * or `undefined` when the sealed copy is gone (the grace window passed).
 */
export async function recoverSuccessor(
  store: SessionStore,
  token: string,
  session: SessionRecord,
): Promise<string | undefined> {
  const successorHash = session.refresh.current;
  const sealed = await store.get<SealedSuccessor>(graceKey(successorHash));
  if (!sealed) return undefined;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64url(sealed.iv), additionalData: utf8(successorHash) },
      await graceCipherKey(token, session.id),
      fromBase64url(sealed.data),
    );
    const successor = new TextDecoder().decode(plain);
    return (await sha256Base64url(successor)) === successorHash ? successor : undefined;
  } catch {
    return undefined;
  }
}
