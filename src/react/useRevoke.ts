import { useCallback } from 'react';
import { useMutation, useMutationState } from '@tanstack/react-query';
import type { Mutation } from '@tanstack/react-query';
import { isSessionError } from '../client/errors';
import type { SessionError } from '../client/errors';
import type { RevokeTarget } from '../client/types';
import { sessionQueryKeys } from './queryOptions';
import { useSessionContext } from './sessionContext';
import { removeRows, restoreRows, sameTarget } from './sessionsCache';
import type { RevokeContext, UseRevokeResult } from './types';

const selectTarget = (mutation: Mutation<unknown, Error, unknown, unknown>): RevokeTarget =>
  mutation.state.variables as RevokeTarget;

/**
 * Revokes sessions: `"all"`, `"others"`, `"mine"` or `{ session: id }`. Rows leave every
 * cached sessions page at once and come back, for that target only, if the server
 * refuses; a 404 for a session id counts as done (it is already gone). When the
 * target includes this device, the session turns `"unauthenticated"` once the server
 * confirms. `isRevoking(target)` and `pendingTargets` give per-row pending state.
 *
 * @example
 * const { mutate: revoke, isRevoking } = useRevoke()
 * <button disabled={isRevoking({ session: row.id })} onClick={() => revoke({ session: row.id })}>Sign out</button>
 */
export function useRevoke(): UseRevokeResult {
  const { client, queryClient } = useSessionContext('useRevoke');

  const mutation = useMutation<void, SessionError, RevokeTarget, RevokeContext>(
    {
      mutationKey: sessionQueryKeys.revoke(),
      mutationFn: async (target) => {
        try {
          await client.revokeSessions(target);
        } catch (error) {
          if (typeof target === 'object' && isSessionError(error) && error.code === 'not_found') {
            return;
          }
          throw error;
        }
      },
      onMutate: async (target) => {
        await queryClient.cancelQueries({ queryKey: sessionQueryKeys.allSessions() });
        const pages = removeRows(queryClient, target);
        return {
          removedIds: [...new Set(pages.flatMap((page) => page.rows.map((row) => row.id)))],
          pages,
        };
      },
      onError: (_error, _target, context) => {
        if (context) restoreRows(queryClient, context.pages);
      },
      onSettled: () =>
        // Refetching while another revocation is in flight would bring its row back
        // for a moment; the last one to settle refetches for all.
        queryClient.isMutating({ mutationKey: sessionQueryKeys.revoke() }) === 1
          ? queryClient.invalidateQueries({ queryKey: sessionQueryKeys.allSessions() })
          : undefined,
    },
    queryClient,
  );

  const pendingTargets = useMutationState(
    {
      filters: { mutationKey: sessionQueryKeys.revoke(), status: 'pending' },
      select: selectTarget,
    },
    queryClient,
  );
  const isRevoking = useCallback(
    (target: RevokeTarget) => pendingTargets.some((pending) => sameTarget(pending, target)),
    [pendingTargets],
  );

  return { ...mutation, isRevoking, pendingTargets };
}
