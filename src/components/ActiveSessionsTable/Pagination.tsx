import type { SessionFormatters } from './format';
import type { ActiveSessionsMessages } from './messages';

/** Props of `<Pagination>`. */
export interface PaginationProps {
  /** The page asked for. */
  offset: number;
  /** The page shown: the previous one stays while the next loads. */
  shownOffset: number;
  pageSize: number;
  /** Rows on the current page. */
  count: number;
  total: number;
  messages: ActiveSessionsMessages;
  formatters: SessionFormatters;
  onOffsetChange: (offset: number) => void;
}

/**
 * Previous / next and "1–10 of 23". Edge buttons use `aria-disabled`, so a focused
 * button keeps its focus when it reaches the first or last page.
 */
export function Pagination(props: PaginationProps) {
  const { offset, shownOffset, pageSize, count, total, messages, formatters, onOffsetChange } =
    props;
  const hasPrevious = offset > 0;
  const hasNext = offset + pageSize < total;
  const from = count === 0 ? 0 : shownOffset + 1;
  return (
    <nav className="rds-pagination" aria-label={messages.paginationLabel}>
      <button
        type="button"
        className="rds-button rds-page-previous"
        aria-disabled={!hasPrevious || undefined}
        onClick={() => hasPrevious && onOffsetChange(Math.max(0, offset - pageSize))}
      >
        {messages.previousPage}
      </button>
      <span className="rds-page-range" aria-live="polite">
        {messages.pageRange({
          from: formatters.number(from),
          to: formatters.number(shownOffset + count),
          total: formatters.number(total),
        })}
      </span>
      <button
        type="button"
        className="rds-button rds-page-next"
        aria-disabled={!hasNext || undefined}
        onClick={() => hasNext && onOffsetChange(offset + pageSize)}
      >
        {messages.nextPage}
      </button>
    </nav>
  );
}
