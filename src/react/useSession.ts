import { useCallback, useMemo } from 'react';
import type { Profile, SessionClient, User } from '../client/types';
import { useSessionContext } from './sessionContext';
import { useSessionSnapshot } from './useSessionSnapshot';
import type { UseSessionResult } from './types';

/**
 * The session state of this browser: status, user and profile, why it is signed out,
 * plus stable `refresh` and `logout`. Server rendering always sees `"loading"`.
 *
 * @example
 * const { status, profile, logout } = useSession<{ name: string }>()
 * if (status === 'authenticated') return <button onClick={logout}>Sign out {profile?.name}</button>
 */
export function useSession<P extends Profile = Profile>(): UseSessionResult<P> {
  const client = useSessionContext('useSession').client as SessionClient<P>;
  const snapshot = useSessionSnapshot(client);
  const refresh = useCallback((): Promise<{ user: User<P> }> => client.refresh(), [client]);
  const logout = useCallback((): Promise<void> => client.logout(), [client]);
  return useMemo(() => {
    const user = snapshot.user ?? null;
    return {
      status: snapshot.status,
      user,
      profile: user?.profile ?? null,
      sessionId: user?.sessionId ?? null,
      userId: user?.userId ?? null,
      error: snapshot.error ?? null,
      reason: snapshot.reason ?? null,
      snapshot,
      refresh,
      logout,
    };
  }, [snapshot, refresh, logout]);
}
