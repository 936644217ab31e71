import { createFormatters, safeLocale } from './format';
import type { SessionFormatters } from './format';

// Few locales ever show up on one page; the bound only guards against a caller that
// cycles through many.
const MAX_LOCALES = 16;
const cache = new Map<string | undefined, SessionFormatters>();

/**
 * The formatters of a locale, built once and shared by every table: Intl objects are
 * costly to create, and each table mount (or remount) would otherwise pay for them again.
 * @example sharedFormatters('fr') === sharedFormatters('fr') // true
 */
export function sharedFormatters(locale?: string): SessionFormatters {
  const tag = safeLocale(locale);
  let formatters = cache.get(tag);
  if (!formatters) {
    if (cache.size >= MAX_LOCALES) cache.delete(cache.keys().next().value);
    formatters = createFormatters(tag);
    cache.set(tag, formatters);
  }
  return formatters;
}
