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

const graphemes = (s: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

describe('clean() bounds', () => {
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
