import { describe, expect, it } from 'vitest';
import { defaultMessages, describeDevice } from '../../src/components';
import type { SessionView } from '../../src/client/types';

const row = (deviceModel: string): SessionView => ({
  id: 'ses_1',
  deviceType: 'mobile',
  deviceModel,
  osVersion: 'Android 15',
  browserName: 'Chrome',
  browserVersion: '142',
  countryCode: 'FR',
  createdAt: new Date(0),
  lastSeenAt: new Date(0),
  expiresAt: new Date(0),
  isCurrent: false,
});

describe('device names cut by grapheme and by length', () => {
  it('still bounds a hostile name that is one grapheme of thousands of combining marks', () => {
    // A backend other than the reference server (the hostile test's premise) sends a "Zalgo"
    // model: one base letter and 5000 combining accents is a single grapheme, so the new
    // grapheme count never reaches the 120 limit and nothing is cut.
    const zalgo = 'M' + '\u0301'.repeat(5000);
    const { name } = describeDevice(row(zalgo), defaultMessages);
    // Before 03e9c7f the name was at most 120 UTF-16 units; allow generous slack.
    expect(name.length).toBeLessThanOrEqual(1000);
  });
});

const graphemes = (s: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

describe('the ellipsis within the bounds', () => {
  it('keeps a cut name within 480 code units, ellipsis included', () => {
    // One grapheme of 366 code units, then plain letters: the kept prefix reaches exactly
    // 4 * 120 = 480 units before the ellipsis is appended.
    const model = 'e' + '\u0301'.repeat(365) + 'a'.repeat(114) + 'b'.repeat(20);
    const { name } = describeDevice(row(model), defaultMessages);
    expect(name.endsWith('…')).toBe(true);
    expect(graphemes(name)).toBeLessThanOrEqual(120);
    expect(name.length).toBeLessThanOrEqual(480);
  });
});
