import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SessionView } from '../client/types';
import { keepPreviousPageOf, sessionsQueryOptions } from './queryOptions';
import { useSessionContext } from './sessionContext';
import { useSessionsIdentity } from './useSessionsIdentity';
import type { UseSessionsOptions, UseSessionsResult } from './types';

const NO_SESSIONS: SessionView[] = [];

/**
 * One page of the user's sessions (`/me/list`), newest activity first, each marked
 * `isCurrent` for this device. The previous page stays on screen while the next one
 * loads; the query is disabled while signed out, and its cache is dropped on sign-out.
 *
 * @example
 * const { sessions, total, isPending } = useSessions({ limit: 10, offset: page * 10 })
 */
export function useSessions(options: UseSessionsOptions = {}): UseSessionsResult {
  const { client, queryClient } = useSessionContext('useSessions');
  // Only who is signed in matters here; a token refresh must not re-render the list.
  const identity = useSessionsIdentity(client);
  // A new function per identity, because TanStack reuses a placeholder as long as the
  // placeholder function stays the same.
  const placeholderData = useMemo(() => keepPreviousPageOf(identity), [identity]);

  const query = useQuery(
    { ...sessionsQueryOptions(client, identity, options), placeholderData },
    queryClient,
  );
  return withPageFields(query);
}

/**
 * Adds `sessions` and `total` as getters, so TanStack's tracked properties keep
 * working: reading `sessions` tracks `data`, nothing more.
 */
function withPageFields(query: Omit<UseSessionsResult, 'sessions' | 'total'>): UseSessionsResult {
  const result = {} as UseSessionsResult;
  for (const key of Object.keys(query) as Array<keyof typeof query>) {
    Object.defineProperty(result, key, { enumerable: true, get: () => query[key] });
  }
  Object.defineProperties(result, {
    sessions: { enumerable: true, get: () => query.data?.sessions ?? NO_SESSIONS },
    total: { enumerable: true, get: () => query.data?.total ?? 0 },
  });
  return result;
}
