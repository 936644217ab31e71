import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { SessionSnapshot } from '../client/types';
import { useSessionContext } from './sessionContext';
import { SERVER_SNAPSHOT } from './useSessionSnapshot';
import type { UseAccessTokenResult } from './types';

type TrackedKey = 'accessToken' | 'expiresAt';

const getServerSnapshot = (): SessionSnapshot => SERVER_SNAPSHOT;

const pick = (snapshot: SessionSnapshot): Record<TrackedKey, string | number | null> => ({
  accessToken: snapshot.user?.accessToken ?? null,
  expiresAt: snapshot.user?.expiresAt.getTime() ?? null,
});

/**
 * The access token, its expiry and a stable `getAccessToken()`. Properties are
 * tracked, as TanStack Query's `useQuery` does it: the component re-renders only when
 * a property it has read changes, so one that only calls `getAccessToken` never
 * re-renders on a token refresh.
 *
 * @example
 * const { getAccessToken } = useAccessToken()
 * const load = async () => fetch('/api', { headers: { authorization: `Bearer ${await getAccessToken()}` } })
 */
export function useAccessToken(): UseAccessTokenResult {
  const { client } = useSessionContext('useAccessToken');
  // Grows as render code reads properties; never shrinks, as in TanStack Query.
  const tracked = useRef<Set<TrackedKey>>(new Set()).current;

  const subscribe = useCallback(
    (onChange: () => void) => {
      let last = pick(client.getSnapshot());
      return client.subscribe(() => {
        const next = pick(client.getSnapshot());
        const changed = [...tracked].some((key) => last[key] !== next[key]);
        last = next;
        if (changed) onChange();
      });
    },
    [client, tracked],
  );
  const getSnapshot = useCallback(() => client.getSnapshot(), [client]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  const getAccessToken = useCallback(() => client.getAccessToken(), [client]);

  const result = { getAccessToken } as UseAccessTokenResult;
  Object.defineProperties(result, {
    accessToken: {
      enumerable: true,
      get: () => {
        tracked.add('accessToken');
        return snapshot.user?.accessToken ?? null;
      },
    },
    expiresAt: {
      enumerable: true,
      get: () => {
        tracked.add('expiresAt');
        return snapshot.user?.expiresAt ?? null;
      },
    },
  });
  return result;
}
