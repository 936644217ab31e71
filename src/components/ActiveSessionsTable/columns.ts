import type { SessionView } from '../../client/types';
import type { ActiveSessionsMessages } from './messages';

/** The table's columns, in their default order. */
export type ColumnId = 'device' | 'location' | 'signedIn' | 'lastActive' | 'expires' | 'actions';

/** Every column, in the default order. */
export const defaultColumns: readonly ColumnId[] = [
  'device',
  'location',
  'signedIn',
  'lastActive',
  'expires',
  'actions',
];

/** The header text of a column. */
export function columnHeader(column: ColumnId, messages: ActiveSessionsMessages): string {
  switch (column) {
    case 'device':
      return messages.columnDevice;
    case 'location':
      return messages.columnLocation;
    case 'signedIn':
      return messages.columnSignedIn;
    case 'lastActive':
      return messages.columnLastActive;
    case 'expires':
      return messages.columnExpires;
    case 'actions':
      return messages.columnActions;
  }
}

/** The columns to show: known ids only, each once, in the order given. */
export function normalizeColumns(columns: readonly ColumnId[] | undefined): ColumnId[] {
  if (!columns) return [...defaultColumns];
  return [...new Set(columns)].filter((column) => defaultColumns.includes(column));
}

/** The time a column shows as "3 hours ago", or `null` for a column that shows none. */
export function columnTime(column: ColumnId, session: SessionView): Date | null {
  switch (column) {
    case 'signedIn':
      return session.createdAt;
    case 'lastActive':
      return session.lastSeenAt;
    case 'expires':
      return session.expiresAt;
    default:
      return null;
  }
}
