import { useMutation } from '@tanstack/react-query';
import type { SessionError } from '../client/errors';
import { sessionQueryKeys } from './queryOptions';
import { useSessionContext } from './sessionContext';
import type { UseLogoutResult } from './types';

/**
 * Signs this device out, as a TanStack mutation. Every tab shows signed out at once,
 * even before the server answers; the cached sessions list is dropped.
 *
 * @example
 * const logout = useLogout()
 * <button onClick={() => logout.mutate()} disabled={logout.isPending}>Sign out</button>
 */
export function useLogout(): UseLogoutResult {
  const { client, queryClient } = useSessionContext('useLogout');
  return useMutation<void, SessionError, void>(
    { mutationKey: sessionQueryKeys.logout(), mutationFn: () => client.logout() },
    queryClient,
  );
}
