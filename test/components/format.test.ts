import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFormatters } from '../../src/components';
import { msUntilRelativeChange } from '../../src/components/ActiveSessionsTable/format';

const now = Date.UTC(2026, 10, 23, 10);
const at = (ms: number) => new Date(now + ms);
const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

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

  it.each([
    [-(59 * SECOND + 600), '1 minute ago'],
    [-(59 * MINUTE + 45 * SECOND), '1 hour ago'],
    [59 * MINUTE + 45 * SECOND, 'in 1 hour'],
    [-(23 * HOUR + 40 * MINUTE), 'yesterday'],
    [23 * HOUR + 40 * MINUTE, 'tomorrow'],
    [-(13 * DAY + 20 * HOUR), '2 weeks ago'],
    [-(59 * DAY + 20 * HOUR), '2 months ago'],
    [-350 * DAY, 'last year'],
  ])('picks the unit after rounding: %d ms reads "%s"', (distance, text) => {
    expect(createFormatters('en').relative(at(distance), now)).toBe(text);
  });

  it('keeps the smaller unit until the rounded distance reaches the larger one', () => {
    const en = createFormatters('en');
    expect(en.relative(at(-(59 * SECOND + 400)), now)).toBe('59 seconds ago');
    expect(en.relative(at(-(59 * MINUTE + 20 * SECOND)), now)).toBe('59 minutes ago');
    expect(en.relative(at(-30 * MINUTE), now)).toBe('30 minutes ago');
    expect(en.relative(at(-(23 * HOUR + 20 * MINUTE)), now)).toBe('23 hours ago');
    expect(en.relative(at(-(13 * DAY + 10 * HOUR)), now)).toBe('13 days ago');
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

describe('msUntilRelativeChange', () => {
  const en = createFormatters('en');
  const YEARS = 3 * 365 * DAY;
  // Any distance, and distances a few milliseconds around the half units where rounding turns.
  const distances = fc.oneof(
    fc.integer({ min: -YEARS, max: YEARS }),
    fc
      .tuple(
        fc.integer({ min: -60, max: 60 }),
        fc.constantFrom(SECOND, MINUTE, HOUR, DAY, 7 * DAY, 30 * DAY, 365 * DAY),
        fc.integer({ min: -2, max: 2 }),
      )
      .map(([halves, unit, nudge]) => (halves * unit) / 2 + nudge),
  );

  it('gives the exact moment a relative time in minutes or more reads differently', () => {
    fc.assert(
      fc.property(distances, (distance) => {
        fc.pre(Math.abs(distance) >= MINUTE);
        const date = at(distance);
        const wait = msUntilRelativeChange(date, now)!;
        expect(wait).toBeGreaterThan(0);
        expect(en.relative(date, now + wait - 1)).toBe(en.relative(date, now));
        expect(en.relative(date, now + wait)).not.toBe(en.relative(date, now));
      }),
      { numRuns: 2000 },
    );
  });

  it('waits at most ten seconds while a time reads in seconds, and for nothing invalid', () => {
    expect(msUntilRelativeChange(at(-3 * SECOND), now)).toBe(10 * SECOND);
    expect(msUntilRelativeChange(at(-59 * SECOND), now)).toBe(500);
    expect(msUntilRelativeChange(at(30 * SECOND), now)).toBe(10 * SECOND);
    expect(msUntilRelativeChange(at(-80 * MINUTE), now)).toBe(10 * MINUTE);
    expect(msUntilRelativeChange(new Date(''), now)).toBeNull();
    expect(msUntilRelativeChange(at(0), Number.NaN)).toBeNull();
  });
});
