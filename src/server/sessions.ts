import type { DeviceInfo } from './device';
import { randomToken } from './encoding';
import type { SessionEndReason } from './httpError';
import type { SessionStore } from './store';
import type { WireSessionView } from './types';

/** A session as the store keeps it. Times are milliseconds of the server clock. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** RFC 7638 thumbprint of the key that finalized the login. */
  jkt: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  absoluteEndMs: number;
  device: DeviceInfo;
  country: string;
  /** Hashes only: the store never holds a usable refresh token. */
  refresh: { current: string; previous?: { hash: string; rotatedAtMs: number } };
  revoked?: { reason: 'revoked' | 'reused'; atMs: number };
}

/** Which session a refresh token (by hash) belongs to. */
export interface RefreshTokenRecord {
  sessionId: string;
}

/** Lifetimes the session rules need. */
export interface SessionLifetimes {
  sessionLifetimeSeconds: number;
  inactivityTimeoutSeconds: number | null;
}

/** Store key of a session record. */
export const sessionKey = (id: string): string => `session:${id}`;
/** Store key of a refresh token's record, by the token's hash. */
export const refreshTokenKey = (hash: string): string => `refresh:${hash}`;
const userSessionsKey = (userId: string): string => `user-sessions:${userId}`;

/**
 * How long an ended session's record is kept past its absolute end, so its tokens still get
 * `unauthorized` with a reason rather than as unknown.
 */
const RETENTION_MS = 24 * 60 * 60 * 1000;

/** The store expiry of a session's records. */
export const recordExpiry = (session: { absoluteEndMs: number }): { expiresAtMs: number } => ({
  expiresAtMs: session.absoluteEndMs + RETENTION_MS,
});

// Compare-and-swap loops retry on contention; a bound turns a livelock into a 500.
const MAX_CAS_ATTEMPTS = 50;

/** When the session ends if nothing happens: the earlier of its absolute end and inactivity end. */
export function sessionEndMs(session: SessionRecord, lifetimes: SessionLifetimes): number {
  const { inactivityTimeoutSeconds } = lifetimes;
  return inactivityTimeoutSeconds === null
    ? session.absoluteEndMs
    : Math.min(session.absoluteEndMs, session.lastSeenAtMs + inactivityTimeoutSeconds * 1000);
}

/** Why a session can no longer be used, or `undefined` while it is live. */
export function sessionEndReason(
  session: SessionRecord,
  nowMs: number,
  lifetimes: SessionLifetimes,
): SessionEndReason | undefined {
  if (session.revoked) return session.revoked.reason;
  // Judged in whole seconds, as tokens are: in the second the session ends, a token would
  // expire the moment it was issued (`exp` = `iat`).
  return Math.floor(nowMs / 1000) >= Math.floor(sessionEndMs(session, lifetimes) / 1000)
    ? 'expired'
    : undefined;
}

/** A new session id. */
export const newSessionId = (): string => `ses_${randomToken(16)}`;

/** Stores a new session, its first refresh token (by hash) and its place in the user's index. */
export async function insertSession(
  store: SessionStore,
  session: SessionRecord,
  lifetimes: SessionLifetimes,
  nowMs: number,
): Promise<void> {
  const expiry = recordExpiry(session);
  await store.set<RefreshTokenRecord>(
    refreshTokenKey(session.refresh.current),
    { sessionId: session.id },
    expiry,
  );
  await store.set(sessionKey(session.id), session, expiry);
  await updateUserIndex(store, session.userId, async (ids) => {
    const live = await loadLiveSessions(store, ids, nowMs, lifetimes);
    return [...live.map((s) => s.id), session.id];
  });
}

async function updateUserIndex(
  store: SessionStore,
  userId: string,
  change: (ids: string[]) => Promise<string[]>,
): Promise<void> {
  const key = userSessionsKey(userId);
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
    const current = await store.get<string[]>(key);
    const next = await change(current ?? []);
    if (await store.compareAndSwap(key, current, next)) return;
  }
  throw new Error('user session index: too much contention');
}

async function loadLiveSessions(
  store: SessionStore,
  ids: string[],
  nowMs: number,
  lifetimes: SessionLifetimes,
): Promise<SessionRecord[]> {
  const sessions = await Promise.all(ids.map((id) => store.get<SessionRecord>(sessionKey(id))));
  return sessions.filter(
    (s): s is SessionRecord => s !== undefined && !sessionEndReason(s, nowMs, lifetimes),
  );
}

/** The user's live sessions in list order: last seen first, then created, then id. */
export async function listLiveSessions(
  store: SessionStore,
  userId: string,
  nowMs: number,
  lifetimes: SessionLifetimes,
): Promise<SessionRecord[]> {
  const ids = (await store.get<string[]>(userSessionsKey(userId))) ?? [];
  const live = await loadLiveSessions(store, ids, nowMs, lifetimes);
  // Compare the whole seconds the wire shows, so ties a client can see are broken as it
  // expects (created_at, then id), not by milliseconds it never sees.
  const s = (ms: number) => Math.floor(ms / 1000);
  return live.sort(
    (a, b) =>
      s(b.lastSeenAtMs) - s(a.lastSeenAtMs) ||
      s(b.createdAtMs) - s(a.createdAtMs) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Applies `change` to a stored session by compare-and-swap, retrying on contention.
 * `change` returns `undefined` to leave the session as it is. Resolves to the stored result.
 */
export async function updateSession(
  store: SessionStore,
  id: string,
  change: (session: SessionRecord) => SessionRecord | undefined,
): Promise<SessionRecord | undefined> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
    const current = await store.get<SessionRecord>(sessionKey(id));
    if (!current) return undefined;
    const next = change(current);
    if (!next) return current;
    if (await store.compareAndSwap(sessionKey(id), current, next, recordExpiry(next))) {
      return next;
    }
  }
  throw new Error('session update: too much contention');
}

/** Revokes a session unless it is already revoked; resolves to whether this call revoked it. */
export async function revokeSession(
  store: SessionStore,
  id: string,
  reason: 'revoked' | 'reused',
  nowMs: number,
): Promise<boolean> {
  let revokedNow = false;
  await updateSession(store, id, (session) => {
    revokedNow = false;
    if (session.revoked) return undefined;
    revokedNow = true;
    return { ...session, revoked: { reason, atMs: nowMs } };
  });
  return revokedNow;
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The wire shape of a session (`/me/list`, admin). */
export function toWireView(session: SessionRecord, lifetimes: SessionLifetimes): WireSessionView {
  return {
    id: session.id,
    device_model: session.device.model,
    device_type: session.device.type,
    os_version: session.device.osVersion,
    country_code: session.country,
    created_at: isoSeconds(session.createdAtMs),
    last_seen_at: isoSeconds(session.lastSeenAtMs),
    expires_at: isoSeconds(sessionEndMs(session, lifetimes)),
    browser_name: session.device.browserName,
    browser_version: session.device.browserVersion,
  };
}
