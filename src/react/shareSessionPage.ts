import type { SessionPage, SessionView } from '../client/types';
import { isOptimistic } from './optimisticPages';

type Row = Record<string, unknown>;

const isRecord = (value: unknown): value is Row => typeof value === 'object' && value !== null;

const isPage = (value: unknown): value is SessionPage =>
  isRecord(value) && Array.isArray(value.sessions);

// Dates are compared by their time: TanStack's default sharing sees two equal Dates as
// different, which gave every row of every refetch a new identity.
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
}

function sameFields(a: Row, b: Row, skip?: string): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key === skip || (Object.hasOwn(b, key) && sameValue(a[key], b[key])));
}

/**
 * `structuralSharing` of a sessions page. Each row equal to the previous page's row of the
 * same id (dates by their time) keeps the previous object, wherever it moved, so memoized
 * rows skip re-rendering after a removal or a refetch; an unchanged page keeps its
 * identity as a whole. A page an optimistic edit wrote is never returned as is, so a
 * rollback can tell a server answer from its own edit.
 *
 * @example
 * useQuery({ queryKey, queryFn, structuralSharing: shareSessionPage })
 */
export function shareSessionPage(previous: unknown, next: unknown): unknown {
  if (!isPage(previous) || !isPage(next)) return next;
  const byId = new Map<unknown, SessionView>();
  for (const row of previous.sessions) if (isRecord(row)) byId.set(row.id, row);

  let unchanged = previous.sessions.length === next.sessions.length;
  let allNew = true;
  const sessions = next.sessions.map((row, index) => {
    const old = isRecord(row) ? byId.get(row.id) : undefined;
    const kept =
      old && (old === row || sameFields(old as unknown as Row, row as unknown as Row)) ? old : row;
    if (kept !== row) allNew = false;
    if (kept !== previous.sessions[index]) unchanged = false;
    return kept;
  });
  const shared = unchanged ? previous.sessions : allNew ? next.sessions : sessions;

  if (
    shared === previous.sessions &&
    sameFields(previous as unknown as Row, next as unknown as Row, 'sessions') &&
    !isOptimistic(previous)
  ) {
    return previous;
  }
  return shared === next.sessions ? next : { ...next, sessions: shared };
}
