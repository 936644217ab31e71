import type { DeviceType, RevokeTarget, SignOutReason } from '../../client/types';

/** A page range, each number already formatted for the locale. */
export interface PageRange {
  from: string;
  to: string;
  total: string;
}

/**
 * Every string `<ActiveSessionsTable>` shows or announces. Interpolated strings are
 * functions, so a translation can reorder words freely.
 */
export interface ActiveSessionsMessages {
  title: string;
  caption: string;
  columnDevice: string;
  columnLocation: string;
  columnSignedIn: string;
  columnLastActive: string;
  columnExpires: string;
  columnActions: string;
  deviceTypes: Record<DeviceType, string>;
  /** The name a row is known by: its model, else its device type. */
  deviceName: (model: string, typeLabel: string) => string;
  browser: (name: string, version: string) => string;
  thisDevice: string;
  revoke: string;
  revokeLabel: (device: string) => string;
  signOut: string;
  signOutLabel: (device: string) => string;
  actionsLabel: string;
  signOutOthers: string;
  signOutMine: string;
  signOutAll: string;
  pending: string;
  /** The accessible name of a row button while its session is being signed out. */
  pendingLabel: (device: string) => string;
  confirmTitle: (target: RevokeTarget, device: string) => string;
  confirmBody: (target: RevokeTarget, device: string) => string;
  confirmButton: (target: RevokeTarget) => string;
  cancel: string;
  loading: string;
  empty: string;
  loadError: string;
  /** A refresh failed while older rows are still shown. */
  refreshError: string;
  retry: string;
  signedOut: (reason: SignOutReason | null) => string;
  revokeFailed: (target: RevokeTarget, device: string) => string;
  revoked: (target: RevokeTarget, device: string) => string;
  dismiss: string;
  /** Names the paging controls after the title ("Active sessions pages"): unique per table. */
  paginationLabel: string;
  previousPage: string;
  nextPage: string;
  pageRange: (range: PageRange) => string;
}

/** Overrides for some of the messages; nested `deviceTypes` may be partial too. */
export type ActiveSessionsMessagesInput = Partial<Omit<ActiveSessionsMessages, 'deviceTypes'>> & {
  deviceTypes?: Partial<Record<DeviceType, string>>;
};

const signedOutReasons: Record<SignOutReason, string> = {
  logout: 'You signed out on this device.',
  revoked: 'This session was signed out from another device.',
  expired: 'Your session expired.',
  reused: 'Your session was ended to protect your account.',
  'key-lost': 'This browser lost its session key.',
};

/** The English messages, used for any message the app does not override. */
export const defaultMessages: ActiveSessionsMessages = {
  title: 'Active sessions',
  caption: 'Devices signed in to your account',
  columnDevice: 'Device',
  columnLocation: 'Location',
  columnSignedIn: 'Signed in',
  columnLastActive: 'Last active',
  columnExpires: 'Expires',
  columnActions: 'Actions',
  deviceTypes: {
    desktop: 'Desktop',
    mobile: 'Phone',
    tablet: 'Tablet',
    unknown: 'Unknown device',
  },
  deviceName: (model, typeLabel) => model || typeLabel,
  browser: (name, version) => (version ? `${name} ${version}` : name),
  thisDevice: 'This device',
  revoke: 'Revoke',
  revokeLabel: (device) => `Revoke ${device} session`,
  signOut: 'Sign out',
  signOutLabel: (device) => `Sign out ${device} (this device)`,
  actionsLabel: 'Session actions',
  signOutOthers: 'Sign out other sessions',
  signOutMine: 'Sign out this device',
  signOutAll: 'Sign out everywhere',
  pending: 'Signing out…',
  pendingLabel: (device) => `Signing out ${device}…`,
  confirmTitle: (target, device) =>
    target === 'others'
      ? 'Sign out other sessions?'
      : target === 'mine'
        ? 'Sign out this device?'
        : target === 'all'
          ? 'Sign out everywhere?'
          : `Revoke ${device} session?`,
  confirmBody: (target, device) =>
    target === 'others'
      ? 'Every other device will be signed out. This device stays signed in.'
      : target === 'mine'
        ? 'You will need to sign in again on this device.'
        : target === 'all'
          ? 'Every device, this one included, will be signed out.'
          : `${device} will be signed out and must sign in again.`,
  confirmButton: (target) => (typeof target === 'object' ? 'Revoke' : 'Sign out'),
  cancel: 'Cancel',
  loading: 'Loading sessions…',
  empty: 'No active sessions.',
  loadError: 'Your sessions could not be loaded.',
  refreshError: 'Your sessions could not be refreshed; the list may be out of date.',
  retry: 'Try again',
  signedOut: (reason) => `You are signed out. ${reason ? signedOutReasons[reason] : ''}`.trim(),
  revokeFailed: (target, device) =>
    typeof target === 'object'
      ? `${device} could not be signed out. Please try again.`
      : 'The sessions could not be signed out. Please try again.',
  revoked: (target, device) =>
    typeof target === 'object' ? `${device} signed out.` : 'Sessions signed out.',
  dismiss: 'Dismiss',
  paginationLabel: 'pages',
  previousPage: 'Previous',
  nextPage: 'Next',
  pageRange: ({ from, to, total }) => `${from}–${to} of ${total}`,
};

/** Merges partial overrides over the English defaults. */
export function resolveMessages(overrides?: ActiveSessionsMessagesInput): ActiveSessionsMessages {
  if (!overrides) return defaultMessages;
  // Skip `undefined` values, so `{ title: undefined }` keeps the default.
  const merged: Record<string, unknown> = { ...defaultMessages };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined && key !== 'deviceTypes') merged[key] = value;
  }
  const deviceTypes = { ...defaultMessages.deviceTypes };
  for (const [key, value] of Object.entries(overrides.deviceTypes ?? {})) {
    if (value !== undefined && key in deviceTypes) deviceTypes[key as DeviceType] = value;
  }
  return { ...(merged as unknown as ActiveSessionsMessages), deviceTypes };
}
