import { useCallback, useMemo, useRef, useState } from 'react';
import type { FocusEvent, RefObject } from 'react';
import type { SessionView } from '../../client/types';
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect';

interface Intent {
  /** The row being revoked. */
  id: string;
  index: number;
  /** The offset of the page it was on. */
  pageOffset: number;
  /** `leaving` until the row is gone; `returning` once its revocation failed. */
  phase: 'leaving' | 'returning';
  /** Where focus stood when the revocation started (`leaving`) or failed (`returning`). */
  focusedAt: Element | null;
}

/** What {@link useRowFocus} gives the table. */
export interface RowFocus {
  headingRef: RefObject<HTMLHeadingElement | null>;
  /** Register each row's element, by session id. */
  rowRef: (id: string, element: HTMLTableRowElement | null) => void;
  /** A row's revocation started: when the row goes, focus its successor. */
  leaving: (id: string) => void;
  /** A row's revocation failed: when the row is back, focus it again. */
  returning: (id: string) => void;
  /** Root focus handlers, so a focus lost from inside the table can be caught. */
  onFocus: () => void;
  onBlur: (event: FocusEvent<HTMLElement>) => void;
}

const focusableSelector =
  'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** Whether the focused element went away (removed from the page, so focus fell to <body>). */
function focusIsLost(): boolean {
  if (typeof document === 'undefined') return false;
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

const active = () => (typeof document === 'undefined' ? null : document.activeElement);

const focusFirstIn = (element: Element | undefined): boolean => {
  const target = element?.querySelector<HTMLElement>(focusableSelector);
  target?.focus();
  return target !== undefined && target !== null;
};

/**
 * Keeps keyboard users in place while rows come and go: after a revoked row disappears,
 * focus moves to the next row's button (the previous page's last row when its page
 * emptied, or the heading), once that page is loaded; a row that comes back after a
 * failure gets its focus back; any other loss of focus from inside the table (a state
 * change, a row revoked elsewhere) lands on the heading rather than on <body>.
 */
export function useRowFocus(
  sessions: SessionView[],
  pageOffset: number,
  settled: boolean,
  gone: boolean,
): RowFocus {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const rows = useRef(new Map<string, HTMLTableRowElement>());
  const intent = useRef<Intent | null>(null);
  const focusWithin = useRef(false);
  // Rows take no index prop (it would re-render every row below a removed one);
  // the position is looked up here when a revocation starts.
  const latestPage = useRef({ sessions, pageOffset });
  useIsomorphicLayoutEffect(() => {
    latestPage.current = { sessions, pageOffset };
  });
  /** Focus is where the intent left it, lost, or on the heading that caught it meanwhile. */
  const focusStayed = (current: Intent) => {
    const now = active();
    return now === current.focusedAt || now === headingRef.current || focusIsLost();
  };
  // Bumped when a revocation fails, so the effect runs even if no row changed yet.
  const [failures, setFailures] = useState(0);

  useIsomorphicLayoutEffect(() => {
    const current = intent.current;
    if (current?.phase === 'returning') {
      const row = rows.current.get(current.id);
      if (!row) return;
      intent.current = null;
      if (focusStayed(current)) focusFirstIn(row);
      return;
    }
    if (current && settled) {
      if (sessions.some((session) => session.id === current.id)) return;
      intent.current = null;
      // The user went on elsewhere meanwhile: their focus is not taken back.
      if (!focusStayed(current)) return;
      // The next row has taken the revoked one's place; when the revoked row was the
      // last of its page, the page before it is shown and its last row stood just before.
      const next =
        pageOffset < current.pageOffset
          ? sessions[sessions.length - 1]
          : sessions[Math.min(current.index, sessions.length - 1)];
      if (!focusFirstIn(next ? rows.current.get(next.id) : undefined)) headingRef.current?.focus();
      return;
    }
    if (gone) intent.current = null;
  }, [sessions, pageOffset, settled, gone, failures]);

  // After every commit: whatever removed the focused element from inside the table (a
  // dismissed alert, a retried list, a dialog whose row went away), focus lands on the
  // heading rather than on <body>.
  useIsomorphicLayoutEffect(() => {
    if (focusWithin.current && focusIsLost()) headingRef.current?.focus();
  });

  const rowRef = useCallback((id: string, element: HTMLTableRowElement | null) => {
    if (element) rows.current.set(id, element);
    else rows.current.delete(id);
  }, []);

  return useMemo(
    () => ({
      headingRef,
      rowRef,
      leaving(id) {
        const { sessions: shown, pageOffset: offset } = latestPage.current;
        const index = Math.max(
          0,
          shown.findIndex((session) => session.id === id),
        );
        intent.current = { id, index, pageOffset: offset, phase: 'leaving', focusedAt: active() };
      },
      returning(id) {
        const index = intent.current?.index ?? 0;
        const pageOffset = intent.current?.pageOffset ?? latestPage.current.pageOffset;
        intent.current = { id, index, pageOffset, phase: 'returning', focusedAt: active() };
        setFailures((count) => count + 1);
      },
      onFocus() {
        focusWithin.current = true;
      },
      onBlur(event) {
        const next = event.relatedTarget as Node | null;
        if (!next || !event.currentTarget.contains(next)) focusWithin.current = false;
      },
    }),
    [rowRef],
  );
}
