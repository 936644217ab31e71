import { useState } from 'react';
import type { UseSessionResult } from '../../react';

/**
 * Whose sessions the table shows: a key for the signed-in user and session, or `null`
 * once signed out. State the table keeps for one owner (the page, an alert, an open
 * confirmation) is dropped when this changes: after signing out, in again, or as someone
 * else. Loading and a passing error keep the last owner, so a failed token refresh does
 * not send the user back to the first page.
 */
export function useSessionOwner({
  status,
  userId,
  sessionId,
}: Pick<UseSessionResult, 'status' | 'userId' | 'sessionId'>): string | null {
  const current =
    status === 'authenticated'
      ? JSON.stringify([userId, sessionId])
      : status === 'unauthenticated'
        ? null
        : undefined;
  const [last, setLast] = useState<string | null>(current ?? null);
  if (current !== undefined && current !== last) {
    // Adjusting state while rendering, as React documents for values derived from props.
    setLast(current);
  }
  return current === undefined ? last : current;
}
