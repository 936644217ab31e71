import type { DeviceType, SessionView } from '../../client/types';
import type { ActiveSessionsMessages } from './messages';

/** C0 and C1 controls, and the bidi controls that could reverse the text around a string. */
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

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

/**
 * Keeps server strings readable: no control characters (bidi controls included, which
 * could reverse the text around a name), spaces collapsed, trimmed, bounded in characters
 * as a reader counts them (never half of a flag or an emoji).
 */
function clean(value: unknown, max = 120): string {
  if (typeof value !== 'string') return '';
  const text = value.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  // Short enough in code units is short enough in characters: no segmenting (every row).
  if (text.length <= max) return text;
  const chars = characters(text);
  // Also bounded in code units: one "character" may carry thousands of combining marks.
  if (chars.length <= max && text.length <= 4 * max) return text;
  let kept = '';
  for (const char of chars.slice(0, max - 1)) {
    if (kept.length + char.length >= 4 * max) break; // room for the ellipsis
    kept += char;
  }
  return (kept || [...text].slice(0, max - 1).join('')) + '…';
}

let segmenter: Intl.Segmenter | undefined;
/** What a reader counts as characters: graphemes (a flag, a family emoji), else code points. */
function characters(text: string): string[] {
  if (typeof Intl.Segmenter !== 'function') return [...text];
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (part) => part.segment);
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
