import { queryOptions } from '@tanstack/react-query';
import type { DataTag, Query, UseQueryOptions } from '@tanstack/react-query';
import { isSessionError } from '../client/errors';
import type { SessionError } from '../client/errors';
import type { Profile, SessionClient, SessionPage, SessionSnapshot } from '../client/types';
import { shareSessionPage } from './shareSessionPage';

/** The first element of every query and mutation key of this package. */
export const QUERY_KEY_ROOT = 'react-dpop-session' as const;

/** Whose sessions a cached page lists: it never serves another user or session. */
export interface SessionsIdentity {
  userId: string | null;
  sessionId: string | null;
}

/** The identity of a signed-out client: its pages are never fetched. */
const SIGNED_OUT: SessionsIdentity = Object.freeze({ userId: null, sessionId: null });

/** Whose sessions `snapshot` would list: its user and session, or {@link SIGNED_OUT}. */
export function identityOf(snapshot: SessionSnapshot): SessionsIdentity {
  return snapshot.status === 'authenticated' && snapshot.user
    ? { userId: snapshot.user.userId, sessionId: snapshot.user.sessionId }
    : SIGNED_OUT;
}

/**
 * Keys of this package's queries and mutations, for `invalidateQueries` and friends.
 *
 * @example
 * await queryClient.invalidateQueries({ queryKey: sessionQueryKeys.allSessions() })
 */
export const sessionQueryKeys = {
  /** Every cached sessions page, of any user. */
  allSessions: () => [QUERY_KEY_ROOT, 'sessions'] as const,
  /** Every cached page of one signed-in session's list, and no other's. */
  sessionsOf: (identity: SessionsIdentity) =>
    [
      QUERY_KEY_ROOT,
      'sessions',
      { userId: identity.userId, sessionId: identity.sessionId },
    ] as const,
  /** One page of one signed-in session's list; its start is `sessionsOf(identity)`. */
  sessions: (identity: SessionsIdentity, page: { limit: number; offset: number }) =>
    [
      QUERY_KEY_ROOT,
      'sessions',
      { userId: identity.userId, sessionId: identity.sessionId },
      { limit: page.limit, offset: page.offset },
    ] as const,
  /**
   * The start of every `useRevoke` mutation key, of any provider; each provider's
   * revocations add their client's scope, so one account never sees another's.
   */
  revoke: () => [QUERY_KEY_ROOT, 'revoke'] as const,
  /** Mutation key of `useLogin`. */
  login: () => [QUERY_KEY_ROOT, 'login'] as const,
  /** Mutation key of `useLogout`. */
  logout: () => [QUERY_KEY_ROOT, 'logout'] as const,
};

/** The query key of one sessions page. */
export type SessionsQueryKey = ReturnType<typeof sessionQueryKeys.sessions>;

/** Default page size of `/me/list` (PROTOCOL). */
export const DEFAULT_LIMIT = 10;

const MAX_RETRIES = 2;

/** Retries only what a retry can fix (network, 5xx, 429), never a refusal. */
export const retrySessionErrors = (failureCount: number, error: unknown): boolean =>
  failureCount < MAX_RETRIES && isSessionError(error) && error.retryable;

/**
 * `placeholderData` that keeps the previous page while paging, but only a page of the
 * same signed-in session: after a sign-out or a new login the old rows must not show.
 */
export function keepPreviousPageOf(identity: SessionsIdentity) {
  return (
    previous: SessionPage | undefined,
    previousQuery: Query<SessionPage, SessionError, SessionPage, SessionsQueryKey> | undefined,
  ): SessionPage | undefined => {
    const owner = previousQuery?.queryKey[2];
    return owner?.sessionId === identity.sessionId && owner.userId === identity.userId
      ? previous
      : undefined;
  };
}

/**
 * What {@link sessionsQueryOptions} returns, in TanStack Query's own public types (so an
 * app's `exactOptionalPropertyTypes` and every 5.x version read them alike); the key is
 * tagged with the page, for `getQueryData`.
 */
export type SessionsQueryOptions = UseQueryOptions<
  SessionPage,
  SessionError,
  SessionPage,
  SessionsQueryKey
> & { queryKey: DataTag<SessionsQueryKey, SessionPage> };

/**
 * Options of one sessions-page query over `client.listSessions`, for `useQuery`,
 * `prefetchQuery` or `ensureQueryData`. Disabled unless `identity` is signed in. Rows
 * equal to the cached ones keep their object identity (see {@link shareSessionPage}).
 *
 * @example
 * await queryClient.prefetchQuery(sessionsQueryOptions(client, identity, { limit: 10, offset: 0 }))
 */
export function sessionsQueryOptions(
  client: SessionClient<Profile>,
  identity: SessionsIdentity,
  page: { limit?: number; offset?: number; enabled?: boolean } = {},
): SessionsQueryOptions {
  const limit = page.limit ?? DEFAULT_LIMIT;
  const offset = page.offset ?? 0;
  // Newer versions also tag the key with the error type; two parameters every 5.x has.
  return queryOptions<SessionPage, SessionError, SessionPage, SessionsQueryKey>({
    queryKey: sessionQueryKeys.sessions(identity, { limit, offset }),
    queryFn: () => client.listSessions({ limit, offset }),
    enabled: identity.sessionId !== null && page.enabled !== false,
    retry: retrySessionErrors,
    // Rows keep their identity across refetches and optimistic edits, so memoized rows
    // skip re-rendering; the default sharing would renew every row (it sees equal Dates
    // as different, and rows shifted by a removal as changed).
    structuralSharing: shareSessionPage,
  }) as unknown as SessionsQueryOptions;
}
