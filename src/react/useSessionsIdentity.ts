import { useMemo } from 'react';
import type { Profile, SessionClient } from '../client/types';
import { identityOf } from './queryOptions';
import type { SessionsIdentity } from './queryOptions';
import { useSessionSelector } from './useSessionSnapshot';

const SEPARATOR = '\u0000';

/**
 * Whose sessions the provider's client lists now, the same object until the user or the
 * session changes: a token refresh does not re-render. Sessions query keys start with it,
 * so hooks edit and read the pages of their own provider's account only.
 */
export function useSessionsIdentity(client: SessionClient<Profile>): SessionsIdentity {
  const owner = useSessionSelector(client, (snapshot) => {
    const { userId, sessionId } = identityOf(snapshot);
    return sessionId === null ? null : `${userId}${SEPARATOR}${sessionId}`;
  });
  return useMemo(() => {
    const [userId = null, sessionId = null] = owner?.split(SEPARATOR) ?? [];
    return { userId, sessionId };
  }, [owner]);
}
