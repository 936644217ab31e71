import type { DeviceType, SessionView } from '../../client/types';
import type { ActiveSessionsMessages } from './messages';

/** What a row says about its device, as plain text. */
export interface DeviceDescription {
  type: DeviceType;
  typeLabel: string;
  /** The model, else the type label: always something a person can read. */
  name: string;
  os: string;
  browser: string;
}

const deviceTypes: readonly string[] = ['desktop', 'mobile', 'tablet', 'unknown'];

/** Folds any value that is not a known device type into `"unknown"`. */
export function knownDeviceType(type: unknown): DeviceType {
  return typeof type === 'string' && deviceTypes.includes(type) ? (type as DeviceType) : 'unknown';
}

/** Keeps server strings readable: no control characters, trimmed, bounded. */
function clean(value: unknown, max = 120): string {
  if (typeof value !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Describes a session's device in the table's words.
 * @example describeDevice(session, defaultMessages).name // "Pixel 9"
 */
export function describeDevice(
  session: SessionView,
  messages: ActiveSessionsMessages,
): DeviceDescription {
  const type = knownDeviceType(session.deviceType);
  const typeLabel = messages.deviceTypes[type];
  const browserName = clean(session.browserName);
  return {
    type,
    typeLabel,
    name: messages.deviceName(clean(session.deviceModel), typeLabel),
    os: clean(session.osVersion),
    browser: browserName ? messages.browser(browserName, clean(session.browserVersion, 32)) : '',
  };
}
