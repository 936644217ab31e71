import type { SessionPage } from '../client/types';

const OPTIMISTIC_KEY = Symbol.for('react-dpop-session.optimisticPages');

type OptimisticHolder = { [OPTIMISTIC_KEY]?: WeakSet<object> };

// Page objects written by optimistic edits. A page not in here came from the server after
// the edit, so it already tells the truth and a rollback must leave it alone. Kept apart
// from the cache edits so structural sharing can consult it without an import cycle, and
// on globalThis, as the context is, because one copy of the package (ESM or CJS) may edit
// a page that another copy's structural sharing or rollback then reads.
const optimistic = (): WeakSet<object> =>
  ((globalThis as OptimisticHolder)[OPTIMISTIC_KEY] ??= new WeakSet());

/** Marks `page` as written by an optimistic edit, not by the server. */
export function markOptimistic(page: SessionPage): void {
  optimistic().add(page);
}

/** Whether `page` was written by an optimistic edit (and no server answer replaced it). */
export function isOptimistic(page: unknown): boolean {
  return typeof page === 'object' && page !== null && optimistic().has(page);
}
