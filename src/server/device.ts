import Bowser from 'bowser';
import type { WireSessionView } from './types';

/** C0 and C1 controls, and the bidi controls that could reverse the text around a string. */
const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** What a session remembers about the device that signed in. */
export interface DeviceInfo {
  model: string;
  type: WireSessionView['device_type'];
  osVersion: string;
  browserName: string;
  browserVersion: string;
}

interface DeviceHints {
  model?: string;
  platform?: string;
  platformVersion?: string;
  browser?: string;
  browserVersion?: string;
  mobile?: boolean;
}

const MAX_HINT_LENGTH = 64;
const HINT_STRINGS = ['model', 'platform', 'platformVersion', 'browser', 'browserVersion'] as const;

/** A device string as stored: control characters stripped, trimmed, at most 64 characters. */
const clean = (value: string): string =>
  [...value.replace(CONTROL_CHARACTERS, '').trim()].slice(0, MAX_HINT_LENGTH).join('').trim();

/**
 * Sanitises the `device` hints of a finalize body: control characters (bidi ones too) stripped, each
 * field capped at 64 characters, wrongly typed fields (or a non-object) dropped.
 */
export function sanitizeDeviceHints(input: unknown): DeviceHints {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const source = input as Record<string, unknown>;
  const hints: DeviceHints = {};
  for (const field of HINT_STRINGS) {
    const value = source[field];
    if (typeof value !== 'string') continue;
    const cleaned = clean(value);
    if (cleaned) hints[field] = cleaned;
  }
  if (typeof source.mobile === 'boolean') hints.mobile = source.mobile;
  return hints;
}

/**
 * Describes a device from sanitised client hints, which win field by field, with the
 * User-Agent (parsed by bowser) filling the gaps.
 */
export function describeDevice(hintsInput: unknown, userAgent: string | null): DeviceInfo {
  const hints = sanitizeDeviceHints(hintsInput);
  // Only so much of a User-Agent is read: parsing costs grow with its length.
  const agent = userAgent?.slice(0, 1024) ?? '';
  const ua = agent ? Bowser.parse(agent) : undefined;
  const uaType = normaliseType(ua?.platform.type);

  const osName = hints.platform ?? ua?.os.name ?? '';
  // A UA version only describes the UA's own OS; never pair it with a hinted OS of another name.
  const uaOsVersion = ua?.os.name && ua.os.name === osName ? (ua.os.version ?? '') : '';
  const version =
    hints.platformVersion === undefined ? uaOsVersion : releaseName(osName, hints.platformVersion);
  const osVersion = [osName, version].filter(Boolean).join(' ');

  const browserName = hints.browser ?? ua?.browser.name ?? '';
  const uaBrowserVersion =
    ua?.browser.name && ua.browser.name === browserName
      ? ((ua.browser.version ?? '').split('.')[0] ?? '')
      : '';

  let type: DeviceInfo['type'];
  if (hints.mobile === true) type = 'mobile';
  else if (hints.mobile === false)
    type = uaType === 'tablet' || uaType === 'desktop' ? uaType : 'desktop';
  else type = uaType;

  // The User-Agent's parts are bounded and stripped as the hints are.
  return {
    model: clean(hints.model ?? ua?.platform.model ?? androidModel(agent) ?? ''),
    type,
    osVersion: clean(osVersion),
    browserName: clean(browserName),
    browserVersion: clean(hints.browserVersion ?? uaBrowserVersion),
  };
}

// bowser names Apple models only; Android UAs carry the model after the OS version.
// Reduced UAs say "K" there, which names nothing.
function androidModel(userAgent: string): string | undefined {
  const model = /\(Linux; Android [^;)]*; ([^;)]+?)(?: Build\/[^;)]*)?\)/.exec(userAgent)?.[1];
  return model && model !== 'K' && model !== 'wv' ? model : undefined;
}

/**
 * The OS version people know from a client hint's `platformVersion`: Android "16.0.0" is
 * "16" and macOS "15.1.0" is "15.1" (trailing ".0" parts dropped). Windows reports its own
 * UA-CH numbering, not the release: 13 and up is 11, 1 to 10 is 10, 0 (7, 8 or 8.1) and
 * anything else names no version.
 *
 * @see https://learn.microsoft.com/en-us/microsoft-edge/web-platform/how-to-detect-win11
 */
function releaseName(osName: string, platformVersion: string): string {
  if (osName.toLowerCase() !== 'windows') return platformVersion.replace(/(?:\.0+)+$/, '');
  const major = /^(\d+)(?:\.\d+)*$/.exec(platformVersion)?.[1];
  if (major === undefined) return '';
  const number = Number(major);
  if (number >= 13) return '11';
  return number >= 1 && number <= 10 ? '10' : '';
}

function normaliseType(type: string | undefined): DeviceInfo['type'] {
  return type === 'desktop' || type === 'mobile' || type === 'tablet' ? type : 'unknown';
}

/** The country code from a header value: two upper-case letters, `""` for anything else, `XX` or `T1`. */
export function readCountry(value: string | null): string {
  const code = value?.trim() ?? '';
  return /^[A-Z]{2}$/.test(code) && code !== 'XX' ? code : '';
}
