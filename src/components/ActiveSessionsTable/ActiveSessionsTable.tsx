import { forwardRef, useId, useMemo, useState } from 'react';
import type { ComponentPropsWithoutRef, ReactNode } from 'react';
import type { RevokeTarget, SessionView } from '../../client/types';
import { useRevoke, useSession, useSessions } from '../../react';
import { targetIncludes } from '../../react/sessionsCache';
import { ActionsBar } from './ActionsBar';
import type { ColumnId } from './columns';
import { columnHeader, columnTime, normalizeColumns } from './columns';
import { ConfirmDialog } from './ConfirmDialog';
import type { ConfirmFunction } from './confirmRequest';
import type { ActiveSessionsMessages, ActiveSessionsMessagesInput } from './messages';
import { resolveMessages } from './messages';
import { Pagination } from './Pagination';
import type { DeviceRenderContext, RowActionRenderContext } from './SessionRow';
import { SessionRow } from './SessionRow';
import { SessionsSkeleton } from './SessionsSkeleton';
import { sharedFormatters } from './sharedFormatters';
import type { BulkRevokeTarget } from './useRevokeFlow';
import { useRevokeFlow } from './useRevokeFlow';
import { useRowFocus } from './useRowFocus';
import { useSessionOwner } from './useSessionOwner';
import { useSteppedNow } from './useSteppedNow';
import { VisuallyHidden, visuallyHidden } from './VisuallyHidden';

export type { BulkRevokeTarget } from './useRevokeFlow';

/** What `renderActions` receives. */
export interface ActionsRenderContext {
  messages: ActiveSessionsMessages;
  /** Asks for confirmation (per the `confirm` prop), then revokes. */
  requestRevoke: (target: BulkRevokeTarget) => void;
  isPending: (target: BulkRevokeTarget) => boolean;
  /** The default buttons, to wrap or replace. */
  defaultActions: ReactNode;
}

/** The table's state, as its root's `data-state`. */
export type ActiveSessionsState = 'loading' | 'ready' | 'empty' | 'error' | 'signed-out';

/** Props of `<ActiveSessionsTable>`: its own, plus any attribute of the root `<section>`. */
export interface ActiveSessionsTableProps extends Omit<
  ComponentPropsWithoutRef<'section'>,
  'children'
> {
  /** Overrides for any string; the rest stays English. */
  messages?: ActiveSessionsMessagesInput;
  /** BCP 47 locale for dates, countries and numbers (default: the runtime's). */
  locale?: string;
  /** Rows per page (default 10, at most 100). */
  pageSize?: number;
  /** Called after a revocation succeeded. */
  onRevoked?: (target: RevokeTarget) => void;
  /** `true` (default): the built-in dialog; `false`: none; a function: your own. */
  confirm?: boolean | ConfirmFunction;
  /** Which columns to show, in order (default: all). */
  columns?: readonly ColumnId[];
  /** Leaves out the default theme's hook class, so only your CSS applies. */
  unstyled?: boolean;
  /** Level of the heading (default 2). */
  headingLevel?: 2 | 3 | 4 | 5 | 6;
  /**
   * Clock for relative times, in milliseconds (default `Date.now`). Shown times update on
   * their own when they would read differently ("1 hour ago" to "2 hours ago").
   */
  now?: () => number;
  /** Renders the device cell. */
  renderDevice?: (session: SessionView, context: DeviceRenderContext) => ReactNode;
  /** Renders a row's action cell. */
  renderRowAction?: (session: SessionView, context: RowActionRenderContext) => ReactNode;
  /** Renders the actions above the table. */
  renderActions?: (context: ActionsRenderContext) => ReactNode;
}

/**
 * The signed-in user's sessions, with per-row and bulk sign-out, confirmation, paging and
 * every loading, empty, error and signed-out state. Reads data only through the hooks.
 * @example
 * <SessionProvider baseUrl="https://app.example.com">
 *   <ActiveSessionsTable pageSize={20} onRevoked={(target) => log(target)} />
 * </SessionProvider>
 */
export const ActiveSessionsTable = forwardRef<HTMLElement, ActiveSessionsTableProps>(
  function ActiveSessionsTable(props, ref) {
    const {
      messages: messagesInput,
      locale,
      pageSize: pageSizeInput = 10,
      onRevoked,
      confirm = true,
      columns: columnsInput,
      unstyled = false,
      headingLevel = 2,
      now = Date.now,
      renderDevice,
      renderRowAction,
      renderActions,
      className,
      onFocus,
      onBlur,
      ...rest
    } = props;
    const pageSize = Math.min(100, Math.max(1, Math.floor(pageSizeInput) || 10));
    const messages = useMemo(() => resolveMessages(messagesInput), [messagesInput]);
    const formatters = useMemo(() => sharedFormatters(locale), [locale]);
    // Keyed by content, so an inline `columns={[...]}` does not re-render every row.
    const columnsKey = columnsInput ? columnsInput.join(' ') : null;
    const columns = useMemo(
      () =>
        normalizeColumns(columnsKey === null ? undefined : (columnsKey.split(' ') as ColumnId[])),
      [columnsKey],
    );

    const session = useSession();
    const owner = useSessionOwner(session);
    // The page belongs to one owner and page size: signing out, in again or as someone
    // else, or a new page size, starts from the first page.
    const [page, setPage] = useState({ owner, pageSize, offset: 0 });
    const offset = page.owner === owner && page.pageSize === pageSize ? page.offset : 0;
    const setOffset = (next: number) => setPage({ owner, pageSize, offset: next });
    const query = useSessions({ limit: pageSize, offset });
    const revoke = useRevoke();

    const headingId = useId();

    const pendingTargets = revoke.pendingTargets;
    // Signing out everywhere empties the list a moment before the sign-out lands:
    // that is not "no sessions".
    const signingOutHere = pendingTargets.some((target) => target === 'all' || target === 'mine');
    const sessions = query.sessions;
    const total = query.total;
    const state: ActiveSessionsState =
      session.status === 'unauthenticated'
        ? 'signed-out'
        : session.status === 'error'
          ? 'error'
          : session.status === 'loading'
            ? 'loading'
            : query.data === undefined
              ? query.isError
                ? 'error'
                : 'loading'
              : total === 0 && sessions.length === 0 && !signingOutHere
                ? 'empty'
                : 'ready';

    // After rows vanish (revoked here or elsewhere), an offset past the end shows the last
    // page. Corrected while rendering, so the empty page is never painted ("0–20 of 20").
    const data = query.data;
    if (data && data.sessions.length === 0 && offset > 0) {
      const lastPage = data.total > 0 ? Math.floor((data.total - 1) / pageSize) * pageSize : 0;
      if (lastPage !== offset) setOffset(lastPage);
    }

    // The page shown: the one asked for, or its predecessor while it loads.
    const shownOffset = data?.offset ?? offset;
    const focus = useRowFocus(
      sessions,
      shownOffset,
      // A page still on its way (its predecessor shown meanwhile) has no rows to focus yet.
      state === 'ready' && !query.isPlaceholderData,
      state !== 'ready' && state !== 'loading',
    );
    const flow = useRevokeFlow({ owner, revoke, messages, confirm, onRevoked, focus });

    // A later page that fails to load keeps the paging controls, so the user can go back
    // to the pages that worked instead of only trying again.
    const pageFailed = state === 'error' && session.status !== 'error' && offset > 0;

    const retry = () => {
      if (session.status === 'error') session.refresh().catch(() => undefined);
      else void query.refetch();
    };

    const shownTimes: Date[] = [];
    if (state === 'ready') {
      for (const row of sessions) {
        for (const column of columns) {
          const time = columnTime(column, row);
          if (time) shownTimes.push(time);
        }
      }
    }
    const nowMs = useSteppedNow(now, shownTimes);
    const Heading = `h${headingLevel}` as const;
    const showActions = session.status === 'authenticated';
    const defaultActions = (
      <ActionsBar messages={messages} isPending={flow.isBulkPending} onRequest={flow.requestBulk} />
    );
    const header = (
      <thead className="rds-thead" role="rowgroup">
        <tr className="rds-head-row" role="row">
          {columns.map((column) => (
            <th
              key={column}
              scope="col"
              role="columnheader"
              className={`rds-head-cell rds-head-${column}`}
            >
              {column === 'actions' ? (
                <VisuallyHidden>{columnHeader(column, messages)}</VisuallyHidden>
              ) : (
                columnHeader(column, messages)
              )}
            </th>
          ))}
        </tr>
      </thead>
    );

    let body: ReactNode;
    if (state === 'signed-out') {
      // Said, and shown, by the status region below: it was on the page before the change,
      // so screen readers announce it.
      body = null;
    } else if (state === 'error') {
      body = (
        <div className="rds-error" role="alert">
          <p className="rds-error-text">{messages.loadError}</p>
          <button type="button" className="rds-button rds-retry" onClick={retry}>
            {messages.retry}
          </button>
        </div>
      );
    } else if (state === 'empty') {
      body = <p className="rds-empty">{messages.empty}</p>;
    } else {
      const loading = state === 'loading';
      body = (
        <table
          className="rds-table"
          role="table"
          aria-busy={loading || query.isPlaceholderData || undefined}
          data-state={loading ? 'loading' : 'ready'}
        >
          <caption className="rds-caption">{messages.caption}</caption>
          {header}
          {loading ? (
            <SessionsSkeleton columns={columns} rows={Math.min(pageSize, 3)} />
          ) : (
            <tbody className="rds-tbody" role="rowgroup">
              {sessions.map((row) => (
                <SessionRow
                  key={row.id}
                  session={row}
                  columns={columns}
                  messages={messages}
                  formatters={formatters}
                  now={nowMs}
                  pending={pendingTargets.some((target) => targetIncludes(target, row))}
                  onRevoke={flow.requestRow}
                  rowRef={focus.rowRef}
                  renderDevice={renderDevice}
                  renderRowAction={renderRowAction}
                />
              ))}
            </tbody>
          )}
        </table>
      );
    }

    return (
      <section
        ref={ref}
        aria-labelledby={headingId}
        data-state={state}
        {...rest}
        onFocus={(event) => {
          focus.onFocus();
          onFocus?.(event);
        }}
        onBlur={(event) => {
          focus.onBlur(event);
          onBlur?.(event);
        }}
        className={['rds-root', unstyled ? null : 'rds-theme', className].filter(Boolean).join(' ')}
      >
        <div className="rds-header">
          <Heading ref={focus.headingRef} id={headingId} className="rds-heading" tabIndex={-1}>
            {messages.title}
          </Heading>
          {showActions
            ? renderActions
              ? renderActions({
                  messages,
                  requestRevoke: flow.requestBulk,
                  isPending: flow.isBulkPending,
                  defaultActions,
                })
              : defaultActions
            : null}
        </div>
        {flow.failure ? (
          <div className="rds-alert" role="alert" data-state="error">
            <p className="rds-alert-text">
              {messages.revokeFailed(flow.failure.target, flow.failure.device)}
            </p>
            <button type="button" className="rds-button rds-dismiss" onClick={flow.dismissFailure}>
              {messages.dismiss}
            </button>
          </div>
        ) : null}
        {state === 'ready' && query.isError ? (
          <div className="rds-alert" role="alert" data-state="stale">
            <p className="rds-alert-text">{messages.refreshError}</p>
            <button type="button" className="rds-button rds-retry" onClick={retry}>
              {messages.retry}
            </button>
          </div>
        ) : null}
        {body}
        {(state === 'ready' && (offset > 0 || total > sessions.length)) || pageFailed ? (
          <Pagination
            offset={offset}
            shownOffset={shownOffset}
            pageSize={pageSize}
            count={sessions.length}
            total={pageFailed ? null : total}
            messages={messages}
            formatters={formatters}
            onOffsetChange={setOffset}
            headingId={headingId}
          />
        ) : null}
        {state === 'signed-out' ? (
          <p role="status" className="rds-signed-out">
            {messages.signedOut(session.reason)}
          </p>
        ) : (
          <p role="status" className="rds-visually-hidden" style={visuallyHidden}>
            {state === 'loading' ? messages.loading : flow.announcement}
          </p>
        )}
        {flow.dialog ? (
          <ConfirmDialog
            request={flow.dialog.request}
            cancelLabel={messages.cancel}
            onResult={flow.dialog.resolve}
          />
        ) : null}
      </section>
    );
  },
);
