import { memo, useCallback } from 'react';
import type { ReactNode } from 'react';
import type { SessionView } from '../../client/types';
import type { ColumnId } from './columns';
import { columnHeader, columnTime } from './columns';
import { DeviceCell } from './DeviceCell';
import type { DeviceDescription } from './describeDevice';
import { describeDevice } from './describeDevice';
import type { SessionFormatters } from './format';
import type { ActiveSessionsMessages } from './messages';
import { RelativeTime } from './RelativeTime';

/** What `renderDevice` receives besides the session. */
export interface DeviceRenderContext {
  device: DeviceDescription;
  messages: ActiveSessionsMessages;
  /** The default cell content, to wrap or extend. */
  defaultContent: ReactNode;
}

/** What `renderRowAction` receives besides the session. */
export interface RowActionRenderContext {
  device: DeviceDescription;
  pending: boolean;
  /** Asks for confirmation (per the `confirm` prop), then revokes this row's session. */
  requestRevoke: () => void;
  /** The default button, to wrap or replace. */
  defaultButton: ReactNode;
}

/** Props of one `<SessionRow>`. */
export interface SessionRowProps {
  session: SessionView;
  columns: readonly ColumnId[];
  messages: ActiveSessionsMessages;
  formatters: SessionFormatters;
  now: number;
  pending: boolean;
  onRevoke: (session: SessionView) => void;
  rowRef: (id: string, element: HTMLTableRowElement | null) => void;
  renderDevice?: ((session: SessionView, context: DeviceRenderContext) => ReactNode) | undefined;
  renderRowAction?:
    ((session: SessionView, context: RowActionRenderContext) => ReactNode) | undefined;
}

/**
 * One session as a table row. Roles are explicit so the accessibility tree stays a
 * table when narrow screens restyle rows as cards (`display: block` drops them in some engines).
 */
export const SessionRow = memo(function SessionRow(props: SessionRowProps) {
  const { session, columns, messages, formatters, now, pending, onRevoke, rowRef } = props;
  const device = describeDevice(session, messages);
  const id = session.id;
  // One ref callback per row: a new one each render would detach and reattach the row.
  const ref = useCallback(
    (element: HTMLTableRowElement | null) => rowRef(id, element),
    [rowRef, id],
  );
  const requestRevoke = () => {
    if (!pending) onRevoke(session);
  };

  const cell = (column: ColumnId): ReactNode => {
    switch (column) {
      case 'device': {
        const defaultContent = (
          <DeviceCell device={device} isCurrent={session.isCurrent} messages={messages} />
        );
        return props.renderDevice
          ? props.renderDevice(session, { device, messages, defaultContent })
          : defaultContent;
      }
      case 'location': {
        // In the formatters' language, which may differ from the messages' around it.
        const country = formatters.country(session.countryCode);
        return country ? <span lang={formatters.locale}>{country}</span> : null;
      }
      case 'signedIn':
      case 'lastActive':
      case 'expires': {
        const time = columnTime(column, session);
        return time ? <RelativeTime date={time} now={now} formatters={formatters} /> : null;
      }
      case 'actions': {
        const defaultButton = (
          <button
            type="button"
            className="rds-button rds-row-action"
            data-state={pending ? 'pending' : 'idle'}
            aria-disabled={pending || undefined}
            aria-label={
              pending
                ? messages.pendingLabel(device.name)
                : session.isCurrent
                  ? messages.signOutLabel(device.name)
                  : messages.revokeLabel(device.name)
            }
            onClick={requestRevoke}
          >
            {pending ? messages.pending : session.isCurrent ? messages.signOut : messages.revoke}
          </button>
        );
        return props.renderRowAction
          ? props.renderRowAction(session, { device, pending, requestRevoke, defaultButton })
          : defaultButton;
      }
    }
  };

  return (
    <tr
      ref={ref}
      role="row"
      className="rds-row"
      data-state={pending ? 'pending' : 'idle'}
      data-current={session.isCurrent ? '' : undefined}
      data-device-type={device.type}
      data-session-id={session.id}
      aria-busy={pending || undefined}
    >
      {columns.map((column) =>
        column === 'device' ? (
          <th
            key={column}
            role="rowheader"
            scope="row"
            className={`rds-cell rds-cell-${column}`}
            data-label={columnHeader(column, messages)}
          >
            {cell(column)}
          </th>
        ) : (
          <td
            key={column}
            role="cell"
            className={`rds-cell rds-cell-${column}`}
            data-label={columnHeader(column, messages)}
          >
            {cell(column)}
          </td>
        ),
      )}
    </tr>
  );
});
