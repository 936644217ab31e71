import {
  forwardRef,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ComponentPropsWithoutRef, ReactNode } from 'react';
import { flushSync } from 'react-dom';
import type { RevokeTarget, SessionView } from '../../client/types';
import { useRevoke, useSession, useSessions } from '../../react';
import { ActionsBar } from './ActionsBar';
import type { ColumnId } from './columns';
import { columnHeader, normalizeColumns } from './columns';
import { ConfirmDialog } from './ConfirmDialog';
import type { ConfirmFunction, ConfirmRequest } from './confirmRequest';
import { describeDevice } from './describeDevice';
import { createFormatters } from './format';
import type { ActiveSessionsMessages, ActiveSessionsMessagesInput } from './messages';
import { resolveMessages } from './messages';
import { Pagination } from './Pagination';
import { sameTarget, targetIncludes } from '../../react/sessionsCache';
import type { DeviceRenderContext, RowActionRenderContext } from './SessionRow';
import { SessionRow } from './SessionRow';
import { SessionsSkeleton } from './SessionsSkeleton';
import { VisuallyHidden } from './VisuallyHidden';

/** A sign-out action above the table. */
export type BulkRevokeTarget = Extract<RevokeTarget, string>;

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
  /** Clock for relative times, in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Renders the device cell. */
  renderDevice?: (session: SessionView, context: DeviceRenderContext) => ReactNode;
  /** Renders a row's action cell. */
  renderRowAction?: (session: SessionView, context: RowActionRenderContext) => ReactNode;
  /** Renders the actions above the table. */
  renderActions?: (context: ActionsRenderContext) => ReactNode;
}

interface Failure {
  target: RevokeTarget;
  device: string;
}

interface PendingConfirm {
  request: ConfirmRequest;
  resolve: (confirmed: boolean) => void;
}

interface FocusIntent {
  /** The row being revoked. */
  id: string;
  index: number;
}

/** Whether the focused element went away (removed from the page, so focus fell to <body>). */
function focusIsLost(): boolean {
  if (typeof document === 'undefined') return false;
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

const focusableSelector =
  'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

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
    const formatters = useMemo(() => createFormatters(locale), [locale]);
    const columns = useMemo(() => normalizeColumns(columnsInput), [columnsInput]);

    const session = useSession();
    const [offset, setOffset] = useState(0);
    const query = useSessions({ limit: pageSize, offset });
    const revoke = useRevoke();

    const [dialog, setDialog] = useState<PendingConfirm | null>(null);
    const [failure, setFailure] = useState<Failure | null>(null);
    const [announcement, setAnnouncement] = useState('');
    const headingRef = useRef<HTMLHeadingElement>(null);
    const rows = useRef(new Map<string, HTMLTableRowElement>());
    const focusIntent = useRef<FocusIntent | null>(null);
    const headingId = useId();

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
              : total === 0 && sessions.length === 0
                ? 'empty'
                : 'ready';

    // After rows vanish (revoked here or elsewhere), an offset past the end shows the last page.
    const data = query.data;
    useEffect(() => {
      if (data && data.sessions.length === 0 && offset > 0) {
        setOffset(data.total > 0 ? Math.floor((data.total - 1) / pageSize) * pageSize : 0);
      }
    }, [data, offset, pageSize]);

    // A new page size starts from the first page.
    const [seenPageSize, setSeenPageSize] = useState(pageSize);
    if (seenPageSize !== pageSize) {
      setSeenPageSize(pageSize);
      setOffset(0);
    }

    // Once the row being revoked is gone, focus its successor's button, else the heading.
    // Any other loss of focus from inside the table (a state change, a row revoked
    // elsewhere) lands on the heading rather than on <body>.
    const focusWithin = useRef(false);
    useLayoutEffect(() => {
      const intent = focusIntent.current;
      if (intent && state === 'ready') {
        if (sessions.some((s) => s.id === intent.id)) return;
        focusIntent.current = null;
        const next = sessions[Math.min(intent.index, sessions.length - 1)];
        const row = next ? rows.current.get(next.id) : undefined;
        const target = row?.querySelector<HTMLElement>(focusableSelector) ?? headingRef.current;
        target?.focus();
        return;
      }
      if (state !== 'ready' && state !== 'loading') focusIntent.current = null;
      if (focusWithin.current && focusIsLost()) headingRef.current?.focus();
    }, [sessions, state]);

    const rowRef = useCallback((id: string, element: HTMLTableRowElement | null) => {
      if (element) rows.current.set(id, element);
      else rows.current.delete(id);
    }, []);

    // Handlers read the latest props through a ref, so memoized rows keep one callback.
    const latest = useRef({ messages, confirm, revoke, onRevoked });
    useLayoutEffect(() => {
      latest.current = { messages, confirm, revoke, onRevoked };
    });

    const run = useCallback(
      async (target: RevokeTarget, row: SessionView | null, index: number) => {
        const { messages: m, confirm: confirmOption } = latest.current;
        const device = row ? describeDevice(row, m).name : '';
        const request: ConfirmRequest = {
          target,
          session: row,
          title: m.confirmTitle(target, device),
          description: m.confirmBody(target, device),
          confirmLabel: m.confirmButton(target),
        };
        const trigger =
          typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null);
        let confirmed = true;
        if (confirmOption === true) {
          confirmed = await new Promise<boolean>((resolve) => setDialog({ request, resolve }));
          // Close the modal first: the trigger is inert until it is gone.
          flushSync(() => setDialog(null));
          if (trigger?.isConnected) trigger.focus();
        } else if (typeof confirmOption === 'function') {
          confirmed = (await confirmOption(request)) === true;
        }
        if (!confirmed) return;

        setFailure(null);
        setAnnouncement('');
        focusIntent.current = row ? { id: row.id, index } : null;
        try {
          await latest.current.revoke.mutateAsync(target);
          setAnnouncement(latest.current.messages.revoked(target, device));
          latest.current.onRevoked?.(target);
        } catch {
          focusIntent.current = null;
          setFailure({ target, device });
        }
      },
      [],
    );

    const onRowRevoke = useCallback(
      (row: SessionView, index: number) => {
        void run(row.isCurrent ? 'mine' : { session: row.id }, row, index);
      },
      [run],
    );
    const requestBulk = useCallback(
      (target: BulkRevokeTarget) => {
        void run(target, null, 0);
      },
      [run],
    );

    const pendingTargets = revoke.pendingTargets;
    const isBulkPending = useCallback(
      (target: BulkRevokeTarget) => pendingTargets.some((t) => sameTarget(t, target)),
      [pendingTargets],
    );

    const retry = () => {
      if (session.status === 'error') session.refresh().catch(() => undefined);
      else void query.refetch();
    };

    const nowMs = now();
    const Heading = `h${headingLevel}` as const;
    const showActions = session.status === 'authenticated';
    const defaultActions = (
      <ActionsBar messages={messages} isPending={isBulkPending} onRequest={requestBulk} />
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
      body = (
        <p className="rds-signed-out" role="status">
          {messages.signedOut(session.reason)}
        </p>
      );
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
              {sessions.map((row, index) => (
                <SessionRow
                  key={row.id}
                  session={row}
                  index={index}
                  columns={columns}
                  messages={messages}
                  formatters={formatters}
                  now={nowMs}
                  pending={pendingTargets.some((target) => targetIncludes(target, row))}
                  onRevoke={onRowRevoke}
                  rowRef={rowRef}
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
          focusWithin.current = true;
          onFocus?.(event);
        }}
        onBlur={(event) => {
          const next = event.relatedTarget as Node | null;
          if (!next || !event.currentTarget.contains(next)) focusWithin.current = false;
          onBlur?.(event);
        }}
        className={['rds-root', unstyled ? null : 'rds-theme', className].filter(Boolean).join(' ')}
      >
        <div className="rds-header">
          <Heading ref={headingRef} id={headingId} className="rds-heading" tabIndex={-1}>
            {messages.title}
          </Heading>
          {showActions
            ? renderActions
              ? renderActions({
                  messages,
                  requestRevoke: requestBulk,
                  isPending: isBulkPending,
                  defaultActions,
                })
              : defaultActions
            : null}
        </div>
        {failure ? (
          <div className="rds-alert" role="alert" data-state="error">
            <p className="rds-alert-text">
              {messages.revokeFailed(failure.target, failure.device)}
            </p>
            <button
              type="button"
              className="rds-button rds-dismiss"
              onClick={() => setFailure(null)}
            >
              {messages.dismiss}
            </button>
          </div>
        ) : null}
        {body}
        {state === 'ready' && (offset > 0 || total > sessions.length) ? (
          <Pagination
            offset={offset}
            shownOffset={data?.offset ?? offset}
            pageSize={pageSize}
            count={sessions.length}
            total={total}
            messages={messages}
            formatters={formatters}
            onOffsetChange={setOffset}
          />
        ) : null}
        <VisuallyHidden role="status">
          {state === 'loading' ? messages.loading : announcement}
        </VisuallyHidden>
        {dialog ? (
          <ConfirmDialog
            request={dialog.request}
            cancelLabel={messages.cancel}
            onResult={dialog.resolve}
          />
        ) : null}
      </section>
    );
  },
);
