"use client";

// The one table of the web app: columns are declared once (header, cell, alignment) and every
// page gets the same markup, spacing and number alignment.

export const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
export const thNum = "px-3 py-2 text-right text-xs font-medium uppercase tracking-wide text-slate-500";
export const td = "px-3 py-2 text-sm text-slate-700";
export const tdNum = "px-3 py-2 text-right text-sm tabular-nums text-slate-900";

export interface Column<T> {
  key: string;
  header: React.ReactNode;
  cell: (row: T, index: number) => React.ReactNode;
  // Numbers are right-aligned with tabular digits.
  numeric?: boolean;
  // Extra classes for this column's header and cells (e.g. a sticky first column).
  headerClassName?: string;
  className?: string;
}

// data-* attributes of the table or of a row, for tests (data-testid, data-key, ...).
type Attrs = Record<string, string | number | undefined>;

export function Table<T>({
  columns,
  rows,
  rowKey,
  rowAttrs,
  testId,
  attrs,
  footer,
  empty,
  hover = false,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  rowAttrs?: (row: T, index: number) => Attrs;
  testId?: string;
  attrs?: Attrs;
  // The footer row(s), rendered as given.
  footer?: React.ReactNode;
  // Shown as the only row when there are no rows; without it an empty table has no body rows.
  empty?: React.ReactNode;
  // Highlights the row under the pointer (wide tables, where the eye loses the row).
  hover?: boolean;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200" data-testid={testId} {...attrs}>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={`${c.numeric ? thNum : th} ${c.headerClassName ?? ""}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 && empty !== undefined && (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          )}
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...rowAttrs?.(row, i)} className={hover ? "hover:bg-slate-50" : undefined}>
              {columns.map((c) => (
                <td key={c.key} className={`${c.numeric ? tdNum : td} ${c.className ?? ""}`}>
                  {c.cell(row, i)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer && <tfoot className="bg-slate-50 font-medium">{footer}</tfoot>}
      </table>
    </div>
  );
}
