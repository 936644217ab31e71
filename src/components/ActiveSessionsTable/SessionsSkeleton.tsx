import type { ColumnId } from './columns';

/** Props of `<SessionsSkeleton>`. */
export interface SessionsSkeletonProps {
  columns: readonly ColumnId[];
  rows: number;
}

/** Placeholder rows shown while the sessions load; hidden from assistive technology. */
export function SessionsSkeleton({ columns, rows }: SessionsSkeletonProps) {
  return (
    <tbody className="rds-tbody" role="rowgroup" data-state="loading" aria-hidden="true">
      {Array.from({ length: rows }, (_, row) => (
        <tr key={row} className="rds-row rds-row-skeleton" role="row">
          {columns.map((column) => (
            <td key={column} className={`rds-cell rds-cell-${column}`} role="cell">
              <span className="rds-skeleton" />
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}
