import { useId } from 'react';
import type { SessionFormatters } from './format';
import { VisuallyHidden } from './VisuallyHidden';
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
  /** `null` while unknown: the page asked for could not be loaded. */
  total: number | null;
  messages: ActiveSessionsMessages;
  formatters: SessionFormatters;
  onOffsetChange: (offset: number) => void;
  /** The table's heading: the controls are named after it, so two tables' differ. */
  headingId: string;
}

/**
 * Previous / next and "1–10 of 23". Edge buttons use `aria-disabled`, so a focused
 * button keeps its focus when it reaches the first or last page. When a page fails to
 * load, Previous stays as the way back, with no range and no Next.
 */
export function Pagination(props: PaginationProps) {
  const { offset, shownOffset, pageSize, count, total, messages, formatters, onOffsetChange } =
    props;
  const labelId = useId();
  const hasPrevious = offset > 0;
  const hasNext = total !== null && offset + pageSize < total;
  // The page shown: the previous one stays while the next loads, unless it has no rows
  // left; then the range is the page on its way.
  const start = count > 0 ? shownOffset : offset;
  const end = count > 0 ? shownOffset + count : Math.min(offset + pageSize, total ?? 0);
  return (
    <nav className="rds-pagination" aria-labelledby={`${props.headingId} ${labelId}`}>
      <VisuallyHidden id={labelId}>{messages.paginationLabel}</VisuallyHidden>
      <button
        type="button"
        className="rds-button rds-page-previous"
        aria-disabled={!hasPrevious || undefined}
        onClick={() => hasPrevious && onOffsetChange(Math.max(0, offset - pageSize))}
      >
        {messages.previousPage}
      </button>
      <span className="rds-page-range" aria-live="polite">
        {total === null
          ? null
          : messages.pageRange({
              from: formatters.number(end > start ? start + 1 : 0),
              to: formatters.number(end > start ? end : 0),
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
