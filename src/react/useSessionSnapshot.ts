import { useCallback, useSyncExternalStore } from 'react';
import type { Profile, SessionClient, SessionSnapshot } from '../client/types';

/**
 * The snapshot every server render and hydration uses: the user cannot be known
 * there, because the key and the refresh cookie are browser secrets. One frozen
 * object, so React sees the same server snapshot on every call.
 */
export const SERVER_SNAPSHOT: SessionSnapshot<never> = Object.freeze({ status: 'loading' });

const getServerSnapshot = (): SessionSnapshot<never> => SERVER_SNAPSHOT;

/** The client's snapshot through `useSyncExternalStore`, with the stable server snapshot. */
export function useSessionSnapshot<P extends Profile>(
  client: SessionClient<P>,
): SessionSnapshot<P> {
  const subscribe = useCallback((onChange: () => void) => client.subscribe(onChange), [client]);
  const getSnapshot = useCallback(() => client.getSnapshot(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

/**
 * A derived primitive of the client's snapshot (compared with `Object.is`), so a
 * component re-renders only when that value changes, not on every token refresh.
 */
export function useSessionSelector<T extends string | number | boolean | null>(
  client: SessionClient<Profile>,
  select: (snapshot: SessionSnapshot) => T,
): T {
  const subscribe = useCallback((onChange: () => void) => client.subscribe(onChange), [client]);
  const getSnapshot = () => select(client.getSnapshot());
  const getServer = () => select(SERVER_SNAPSHOT);
  return useSyncExternalStore(subscribe, getSnapshot, getServer);
}
