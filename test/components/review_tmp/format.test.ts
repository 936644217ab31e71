import { describe, expect, it } from 'vitest';
import { createFormatters } from '../../../src/components';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
describe('review: relative time rounding at unit boundaries', () => {
  const f = createFormatters('en');
  const now = Date.UTC(2026, 0, 1);
  it.each([
    [-(59 * MIN + 45_000), '1 hour ago'],
    [-(23 * HOUR + 40 * MIN), 'yesterday'],
    [-(59_600), '1 minute ago'],
    [59 * MIN + 45_000, 'in 1 hour'],
  ])('%d ms reads %s', (diff, expected) => {
    expect(f.relative(new Date(now + diff), now)).toBe(expected);
  });
});
