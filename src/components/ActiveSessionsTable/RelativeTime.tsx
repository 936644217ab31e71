import type { SessionFormatters } from './format';
import { isValidDate } from './format';

/** Props of `<RelativeTime>`. */
export interface RelativeTimeProps {
  date: Date;
  now: number;
  formatters: SessionFormatters;
  className?: string;
}

/**
 * "3 days ago" in a `<time>` whose `dateTime` and title give the exact moment, marked with
 * the formatters' language (it may differ from the messages' around it).
 * Renders nothing for an invalid date.
 * @example <RelativeTime date={session.lastSeenAt} now={Date.now()} formatters={createFormatters('en')} />
 */
export function RelativeTime({ date, now, formatters, className = 'rds-time' }: RelativeTimeProps) {
  if (!isValidDate(date)) return null;
  return (
    <time
      className={className}
      dateTime={date.toISOString()}
      title={formatters.exact(date)}
      lang={formatters.locale}
    >
      {formatters.relative(date, now)}
    </time>
  );
}
