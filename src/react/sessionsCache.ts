import type { QueryClient } from '@tanstack/react-query';
import type { RevokeTarget, SessionPage, SessionView } from '../client/types';
import { isOptimistic, markOptimistic } from './optimisticPages';
import { sessionQueryKeys } from './queryOptions';
import type { SessionsIdentity, SessionsQueryKey } from './queryOptions';

/** What one optimistic revocation took out of one cached page, to put it back on failure. */
export interface RemovedFromPage {
  queryKey: SessionsQueryKey;
  /** The page's ids before the removal, to find each row's place again. */
  order: string[];
  /** The rows taken out, in page order. */
  rows: SessionView[];
  /** How much `total` was lowered. */
  totalDelta: number;
}

/** Whether `target` ends the session shown as `row`. */
export function targetIncludes(target: RevokeTarget, row: SessionView): boolean {
  if (typeof target === 'object') return row.id === target.session;
  if (target === 'all') return true;
  if (target === 'others') return !row.isCurrent;
  return row.isCurrent;
}

/** Whether two targets are the same revocation. */
export function sameTarget(a: RevokeTarget, b: RevokeTarget): boolean {
  return typeof a === 'object' && typeof b === 'object' ? a.session === b.session : a === b;
}

function pages(queryClient: QueryClient, identity: SessionsIdentity) {
  return queryClient
    .getQueryCache()
    .findAll({ queryKey: sessionQueryKeys.sessionsOf(identity) })
    .flatMap((query) => {
      const data = query.state.data as SessionPage | undefined;
      return data ? [{ queryKey: query.queryKey as SessionsQueryKey, data }] : [];
    });
}

/** How far `total` falls when `target` succeeds, knowing whether a cached page shows its rows. */
function totalDrop(target: RevokeTarget, total: number, found: boolean): number {
  if (target === 'all') return total;
  if (target === 'others') return Math.max(0, total - 1);
  if (target === 'mine') return Math.min(1, total);
  return found ? Math.min(1, total) : 0;
}

/**
 * Takes the rows `target` ends out of every cached page of `identity`'s sessions (never
 * another account's), lowers each page's `total`, and returns what it took, page by page,
 * for {@link restoreRows}.
 */
export function removeRows(
  queryClient: QueryClient,
  identity: SessionsIdentity,
  target: RevokeTarget,
): RemovedFromPage[] {
  const cached = pages(queryClient, identity);
  const found = cached.some(({ data }) => data.sessions.some((row) => targetIncludes(target, row)));
  const removed: RemovedFromPage[] = [];
  for (const { queryKey, data } of cached) {
    const rows = data.sessions.filter((row) => targetIncludes(target, row));
    const totalDelta = totalDrop(target, data.total, found);
    if (rows.length === 0 && totalDelta === 0) continue;
    const next: SessionPage = {
      ...data,
      sessions: data.sessions.filter((row) => !targetIncludes(target, row)),
      total: data.total - totalDelta,
    };
    writeOptimistic(queryClient, queryKey, next);
    removed.push({ queryKey, order: data.sessions.map((row) => row.id), rows, totalDelta });
  }
  return removed;
}

/** A revocation and what it took out of the cached pages, which it puts back if it fails. */
export interface Revocation {
  target: RevokeTarget;
  /** Its own removals, plus any that failed revocations handed over to it. */
  pages: RemovedFromPage[];
}

/**
 * Puts back what {@link removeRows} took for `failed`, into the pages as they are now: each
 * row after its nearest earlier neighbour still present, so removals of other targets that
 * are still in flight stay in place. Pages refetched since are left alone.
 *
 * A session that a revocation in `pending` also ends stays out, row and count alike: it is
 * handed over to that revocation, which puts it back only if it fails in turn.
 */
export function restoreRows(
  queryClient: QueryClient,
  failed: Revocation,
  pending: Revocation[],
): void {
  const { target } = failed;
  const taken = failed.pages.flatMap((page) => page.rows);
  // The one session "mine" or an id ends, when some cached page showed it.
  const single =
    typeof target === 'object'
      ? taken.find((row) => row.id === target.session)
      : target === 'mine'
        ? taken.find((row) => row.isCurrent)
        : undefined;
  // Who still removes `row`, or, for sessions no page showed, all that `target` ends.
  const removerOf = (row: SessionView | undefined) =>
    pending.find((other) =>
      row
        ? targetIncludes(other.target, row)
        : other.target === 'all' || sameTarget(other.target, target),
    );

  for (const { queryKey, order, rows, totalDelta } of failed.pages) {
    const current = queryClient.getQueryData<SessionPage>(queryKey);
    if (!current || !isOptimistic(current)) continue;
    const handed = new Map<Revocation, { rows: SessionView[]; totalDelta: number }>();
    const handTo = (other: Revocation) => {
      let share = handed.get(other);
      if (!share) handed.set(other, (share = { rows: [], totalDelta: 0 }));
      return share;
    };
    // Each row counted one in `total`; what is left counted sessions no page showed.
    let uncounted = totalDelta;
    const back: SessionView[] = [];
    for (const row of rows) {
      const counted = uncounted > 0 ? 1 : 0;
      uncounted -= counted;
      const other = removerOf(row);
      if (!other) back.push(row);
      else {
        const share = handTo(other);
        share.rows.push(row);
        share.totalDelta += counted;
      }
    }
    const otherForUnseen = uncounted > 0 ? removerOf(single) : undefined;
    if (otherForUnseen) handTo(otherForUnseen).totalDelta += uncounted;

    let keptOut = 0;
    for (const [other, share] of handed) {
      other.pages.push({ queryKey, order, ...share });
      keptOut += share.totalDelta;
    }
    const sessions = [...current.sessions];
    for (const row of back) {
      if (sessions.some((present) => present.id === row.id)) continue;
      sessions.splice(insertionIndex(sessions, order, row.id), 0, row);
    }
    writeOptimistic(queryClient, queryKey, {
      ...current,
      sessions,
      total: current.total + totalDelta - keptOut,
    });
  }
}

/**
 * Writes an optimistically edited page. Its rows are the cached row objects themselves,
 * and the query's structural sharing (`shareSessionPage`) keeps them so: only the
 * rows an edit adds or takes out change, and memoized rows of the others skip rendering.
 */
function writeOptimistic(queryClient: QueryClient, queryKey: SessionsQueryKey, next: SessionPage) {
  const written = queryClient.setQueryData<SessionPage>(queryKey, next) ?? next;
  markOptimistic(written);
}

function insertionIndex(sessions: SessionView[], order: string[], id: string): number {
  for (let i = order.indexOf(id) - 1; i >= 0; i -= 1) {
    const at = sessions.findIndex((row) => row.id === order[i]);
    if (at !== -1) return at + 1;
  }
  return 0;
}
