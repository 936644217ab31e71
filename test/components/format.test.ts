import { describe, expect, it } from 'vitest';
import { createFormatters } from '../../src/components';

const now = Date.UTC(2026, 10, 23, 10);
const at = (ms: number) => new Date(now + ms);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('createFormatters', () => {
  it('names countries in the locale and says nothing for bad codes', () => {
    const en = createFormatters('en');
    expect(en.country('FR')).toBe('France');
    expect(en.country('jp')).toBe('Japan');
    expect(createFormatters('de').country('FR')).toBe('Frankreich');
    for (const code of ['', 'ZZZ', 'ZZ', 'XX', '12', 'T1', ' F', 'F\u0000']) {
      expect(en.country(code)).toBe('');
    }
    expect(en.country(undefined as unknown as string)).toBe('');
  });

  it('picks a relative unit that reads well', () => {
    const en = createFormatters('en');
    expect(en.relative(at(-5_000), now)).toBe('now');
    expect(en.relative(at(-45_000), now)).toBe('45 seconds ago');
    expect(en.relative(at(-5 * MINUTE), now)).toBe('5 minutes ago');
    expect(en.relative(at(-3 * 60 * MINUTE), now)).toBe('3 hours ago');
    expect(en.relative(at(-DAY), now)).toBe('yesterday');
    expect(en.relative(at(7 * DAY), now)).toBe('in 7 days');
    expect(en.relative(at(21 * DAY), now)).toBe('in 3 weeks');
    expect(en.relative(at(-90 * DAY), now)).toBe('3 months ago');
    expect(en.relative(at(-800 * DAY), now)).toBe('2 years ago');
  });

  it('returns empty text for invalid dates instead of throwing', () => {
    const en = createFormatters('en');
    expect(en.relative(new Date(''), now)).toBe('');
    expect(en.exact(new Date(''))).toBe('');
  });

  it('accepts a malformed locale, using the default one', () => {
    const bad = createFormatters('¡no!');
    expect(bad.locale).toBeUndefined();
    expect(bad.country('FR')).not.toBe('');
    expect(createFormatters('EN-gb').locale).toBe('en-GB');
  });

  it('formats numbers in the locale', () => {
    expect(createFormatters('de').number(1234)).toBe('1.234');
  });
});
