import type { QueryClient } from '@tanstack/react-query';
import type { RevokeTarget, SessionPage, SessionView } from '../client/types';
import { isOptimistic, markOptimistic } from './optimisticPages';
import { sessionQueryKeys } from './queryOptions';
import type { SessionsQueryKey } from './queryOptions';

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

function pages(queryClient: QueryClient) {
  return queryClient
    .getQueryCache()
    .findAll({ queryKey: sessionQueryKeys.allSessions() })
    .flatMap((query) => {
      const data = query.state.data as SessionPage | undefined;
      return data ? [{ queryKey: query.queryKey as SessionsQueryKey, data }] : [];
    });
}

const ownerOf = (key: SessionsQueryKey): string => `${key[2].userId}\u0000${key[2].sessionId}`;

/** How far `total` falls when `target` succeeds, knowing the ids found in cached pages. */
function totalDrop(target: RevokeTarget, total: number, found: boolean): number {
  if (target === 'all') return total;
  if (target === 'others') return Math.max(0, total - 1);
  if (target === 'mine') return Math.min(1, total);
  return found ? Math.min(1, total) : 0;
}

/**
 * Takes the rows `target` ends out of every cached sessions page, lowers each page's
 * `total`, and returns what it took, page by page, for {@link restoreRows}.
 */
export function removeRows(queryClient: QueryClient, target: RevokeTarget): RemovedFromPage[] {
  const cached = pages(queryClient);
  const ownersWithHit = new Set(
    cached
      .filter(({ data }) => data.sessions.some((row) => targetIncludes(target, row)))
      .map(({ queryKey }) => ownerOf(queryKey)),
  );
  const removed: RemovedFromPage[] = [];
  for (const { queryKey, data } of cached) {
    const rows = data.sessions.filter((row) => targetIncludes(target, row));
    const totalDelta = totalDrop(target, data.total, ownersWithHit.has(ownerOf(queryKey)));
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

/**
 * Puts back what {@link removeRows} took, into the pages as they are now: each row
 * after its nearest earlier neighbour still present, so removals of other targets
 * that are still in flight stay in place. Pages refetched since are left alone.
 */
export function restoreRows(queryClient: QueryClient, removed: RemovedFromPage[]): void {
  for (const { queryKey, order, rows, totalDelta } of removed) {
    const current = queryClient.getQueryData<SessionPage>(queryKey);
    if (!current || !isOptimistic(current)) continue;
    const sessions = [...current.sessions];
    for (const row of rows) {
      if (sessions.some((present) => present.id === row.id)) continue;
      sessions.splice(insertionIndex(sessions, order, row.id), 0, row);
    }
    writeOptimistic(queryClient, queryKey, {
      ...current,
      sessions,
      total: current.total + totalDelta,
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
