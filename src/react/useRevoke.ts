import { useCallback, useMemo } from 'react';
import { useMutation, useMutationState } from '@tanstack/react-query';
import type { Mutation, QueryClient } from '@tanstack/react-query';
import { isSessionError } from '../client/errors';
import type { SessionError } from '../client/errors';
import type { RevokeTarget } from '../client/types';
import { clientScope } from './clientScope';
import { sessionQueryKeys } from './queryOptions';
import { useSessionContext } from './sessionContext';
import { removeRows, restoreRows, sameTarget } from './sessionsCache';
import type { Revocation } from './sessionsCache';
import type { RevokeContext, UseRevokeResult } from './types';
import { useSessionsIdentity } from './useSessionsIdentity';

const selectTarget = (mutation: Mutation<unknown, Error, unknown, unknown>): RevokeTarget =>
  mutation.state.variables as RevokeTarget;

/** The other revocations of `mutationKey` in flight that have already taken their rows out. */
function othersInFlight(
  queryClient: QueryClient,
  mutationKey: readonly unknown[],
  own: RevokeContext,
): Revocation[] {
  return queryClient
    .getMutationCache()
    .findAll({ mutationKey, status: 'pending' })
    .flatMap((mutation) => {
      const context = mutation.state.context as RevokeContext | undefined;
      return context && context !== own
        ? [{ target: mutation.state.variables as RevokeTarget, pages: context.pages }]
        : [];
    });
}

/**
 * Revokes sessions: `"all"`, `"others"`, `"mine"` or `{ session: id }`. Rows leave every
 * cached page of this provider's sessions list at once (never another account's) and come
 * back, for that target only, if the server refuses, unless another revocation in flight
 * still ends them; a 404 for a session id counts as done (it is already gone). When the
 * target includes this device, the session turns `"unauthenticated"` once the server
 * confirms. `isRevoking(target)` and `pendingTargets` give per-row pending state, of this
 * provider's client only.
 *
 * @example
 * const { mutate: revoke, isRevoking } = useRevoke()
 * <button disabled={isRevoking({ session: row.id })} onClick={() => revoke({ session: row.id })}>Sign out</button>
 */
export function useRevoke(): UseRevokeResult {
  const { client, queryClient } = useSessionContext('useRevoke');
  const identity = useSessionsIdentity(client);
  // Scoped by client, not by identity: a sign-out must not detach a pending revocation.
  const scope = clientScope(client);
  const mutationKey = useMemo(() => [...sessionQueryKeys.revoke(), scope] as const, [scope]);

  const mutation = useMutation<void, SessionError, RevokeTarget, RevokeContext>(
    {
      mutationKey,
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
        await queryClient.cancelQueries({ queryKey: sessionQueryKeys.sessionsOf(identity) });
        const pages = removeRows(queryClient, identity, target);
        return {
          removedIds: [...new Set(pages.flatMap((page) => page.rows.map((row) => row.id)))],
          pages,
          identity,
        };
      },
      onError: (_error, target, context) => {
        if (!context) return;
        restoreRows(
          queryClient,
          { target, pages: context.pages },
          othersInFlight(queryClient, mutationKey, context),
        );
      },
      onSettled: (_data, _error, _target, context) =>
        // Refetching while another revocation is in flight would bring its row back
        // for a moment; the last one to settle refetches for all.
        queryClient.isMutating({ mutationKey }) === 1
          ? queryClient.invalidateQueries({
              queryKey: sessionQueryKeys.sessionsOf(context?.identity ?? identity),
            })
          : undefined,
    },
    queryClient,
  );

  const pendingTargets = useMutationState(
    { filters: { mutationKey, status: 'pending' }, select: selectTarget },
    queryClient,
  );
  const isRevoking = useCallback(
    (target: RevokeTarget) => pendingTargets.some((pending) => sameTarget(pending, target)),
    [pendingTargets],
  );

  return { ...mutation, isRevoking, pendingTargets };
}
