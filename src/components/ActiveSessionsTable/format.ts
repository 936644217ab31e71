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
// [unit, its length, the least distance shown in it]: days up to two weeks read better
// than "next week" for an expiry seven to thirteen days away.
const units: Array<[Intl.RelativeTimeFormatUnit, number, number]> = [
  ['year', 365 * DAY, 365 * DAY],
  ['month', 30 * DAY, 60 * DAY],
  ['week', 7 * DAY, 14 * DAY],
  ['day', DAY, DAY],
  ['hour', HOUR, HOUR],
  ['minute', MINUTE, MINUTE],
  ['second', SECOND, 0],
];

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
      if (!isValidDate(date)) return '';
      const diff = date.getTime() - now;
      const abs = Math.abs(diff);
      for (const [unit, size, least] of units) {
        if (abs >= least) {
          // Under ten seconds reads as "now": clocks of client and server differ a little.
          const value = unit === 'second' && abs < 10 * SECOND ? 0 : Math.round(diff / size);
          return relativeFormat.format(value, unit);
        }
      }
      return '';
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
