export { ActiveSessionsTable } from './ActiveSessionsTable';
export type {
  ActionsRenderContext,
  ActiveSessionsState,
  ActiveSessionsTableProps,
  BulkRevokeTarget,
} from './ActiveSessionsTable';
export { DeviceIcon } from './DeviceIcon';
export type { DeviceIconProps } from './DeviceIcon';
export { DeviceCell } from './DeviceCell';
export type { DeviceCellProps } from './DeviceCell';
export { RelativeTime } from './RelativeTime';
export type { RelativeTimeProps } from './RelativeTime';
export { describeDevice } from './describeDevice';
export type { DeviceDescription } from './describeDevice';
export { createFormatters } from './format';
export type { SessionFormatters } from './format';
export { defaultMessages, resolveMessages } from './messages';
export type { ActiveSessionsMessages, ActiveSessionsMessagesInput, PageRange } from './messages';
export { defaultColumns } from './columns';
export type { ColumnId } from './columns';
export type { ConfirmFunction, ConfirmRequest } from './confirmRequest';
export type { DeviceRenderContext, RowActionRenderContext } from './SessionRow';
