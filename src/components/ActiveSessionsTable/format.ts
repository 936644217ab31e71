/** Locale-bound formatters for the table, built once per locale (they are costly to create). */
export interface SessionFormatters {
  locale: string | undefined;
  /** "3 days ago", "in 2 hours"; `''` for an invalid date. */
  relative: (date: Date, now: number) => string;
  /** The exact date and time, for a title; `''` for an invalid date. */
  exact: (date: Date) => string;
  /** The country's name in the locale, or `''` when absent, malformed or unknown. */
  country: (code: string) => string;
  number: (value: number) => string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;

/** Times shown in seconds move in ten-second steps: finer is noise, and costs renders. */
export const SECONDS_STEP = 10 * SECOND;

// [unit, its length, the least distance shown in it]: days up to two weeks read better
// than "next week" for an expiry seven to thirteen days away; twelve months are a year.
const units: Array<[Intl.RelativeTimeFormatUnit, number, number]> = [
  ['year', 365 * DAY, 12 * MONTH],
  ['month', MONTH, 60 * DAY],
  ['week', 7 * DAY, 14 * DAY],
  ['day', DAY, DAY],
  ['hour', HOUR, HOUR],
  ['minute', MINUTE, MINUTE],
  ['second', SECOND, 0],
];

// The unit is picked after rounding: a distance is shown in a unit once, rounded to the
// next smaller unit, it reaches that unit's least (59.5 minutes round to 60, so "1 hour
// ago", never "60 minutes ago"). So each unit starts half a smaller unit early.
const starts = units.map(([, , least], i) => {
  const smaller = units[i + 1]?.[1];
  return smaller === undefined ? least : (Math.ceil(least / smaller) - 0.5) * smaller;
});

/** Where in `units` a distance of `abs` milliseconds is shown. */
const unitIndex = (abs: number): number => starts.findIndex((start) => abs >= start);

/** The value and unit `Intl.RelativeTimeFormat` gets for a signed distance (none for NaN). */
function relativeParts(diff: number): [number, Intl.RelativeTimeFormatUnit] | null {
  const abs = Math.abs(diff);
  const index = unitIndex(abs);
  if (index === -1) return null;
  const [unit, size] = units[index]!;
  // Under ten seconds reads as "now": clocks of client and server differ a little.
  const magnitude = unit === 'second' && abs < 10 * SECOND ? 0 : Math.round(abs / size);
  return [magnitude === 0 ? 0 : Math.sign(diff) * magnitude, unit];
}

/**
 * How long until `relative(date, now)` reads differently as the clock moves on, in
 * milliseconds (at most {@link SECONDS_STEP} while shown in seconds); `null` for an
 * invalid date or clock. The table re-renders then, and not before.
 * @example msUntilRelativeChange(new Date(now - 80 * 60_000), now) // 10 minutes, then "2 hours ago"
 */
export function msUntilRelativeChange(date: Date, now: number): number | null {
  if (!isValidDate(date)) return null;
  const diff = date.getTime() - now;
  const abs = Math.abs(diff);
  const index = unitIndex(abs);
  if (index === -1) return null;
  const [unit, size] = units[index]!;
  const value = Math.round(abs / size);
  if (diff <= 0) {
    // In the past, the distance grows: the value goes up, or a larger unit takes over.
    const nextValue = unit === 'second' ? SECONDS_STEP : (value + 0.5) * size - abs;
    const larger = index > 0 ? starts[index - 1]! - abs : Infinity;
    return Math.min(nextValue, larger);
  }
  if (unit === 'second') return SECONDS_STEP;
  // In the future, the distance shrinks: the change comes just below the lower edge of the
  // value, or of the unit.
  return abs - Math.max((value - 0.5) * size, starts[index]!) + 1;
}

/** Whether a value is a Date that holds a real time (`new Date('')` does not). */
export function isValidDate(date: unknown): date is Date {
  return date instanceof Date && !Number.isNaN(date.getTime());
}

/** A locale the Intl APIs accept, or `undefined` (the runtime's default) for a bad one. */
export function safeLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

/**
 * Builds the formatters for one locale.
 * @example const f = createFormatters('fr'); f.country('JP') // "Japon"
 */
export function createFormatters(locale?: string): SessionFormatters {
  const tag = safeLocale(locale);
  const relativeFormat = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const exactFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  const numberFormat = new Intl.NumberFormat(tag);
  let regions: Intl.DisplayNames | null = null;
  return {
    locale: tag,
    relative(date, now) {
      const parts = isValidDate(date) ? relativeParts(date.getTime() - now) : null;
      return parts ? relativeFormat.format(...parts) : '';
    },
    exact(date) {
      return isValidDate(date) ? exactFormat.format(date) : '';
    },
    country(code) {
      if (typeof code !== 'string' || !/^[A-Za-z]{2}$/.test(code)) return '';
      // ZZ is CLDR's "Unknown Region": saying nothing is clearer.
      if (code.toUpperCase() === 'ZZ') return '';
      try {
        regions ??= new Intl.DisplayNames(tag, { type: 'region', fallback: 'none' });
        return regions.of(code.toUpperCase()) ?? '';
      } catch {
        // An engine without the region data, or a code it refuses: show nothing, never throw.
        return '';
      }
    },
    number(value) {
      return numberFormat.format(value);
    },
  };
}
