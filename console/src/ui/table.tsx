import type { ComponentChildren } from 'preact';

export interface Column<R> {
  label: string;
  cell: (record: R) => ComponentChildren;
}

interface Props<R> {
  label: string;
  columns: Column<R>[];
  rows: R[];
  keyOf: (record: R) => string;
  actions?: (record: R) => ComponentChildren;
  empty: string;
  total: number;
  offset: number;
  pageSize: number;
  onPage: (offset: number) => void;
}

/** A table in its own scrolling region (a narrow screen scrolls it, not the page), with paging. */
export function Table<R>(props: Props<R>) {
  const { columns, rows, keyOf, actions, total, offset, pageSize } = props;
  if (total === 0) return <p class="empty">{props.empty}</p>;
  return (
    <>
      <div
        class="table-scroll"
        role="region"
        aria-label={`${props.label} list`}
        tabIndex={0}
      >
        <table>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.label} scope="col">
                  {column.label}
                </th>
              ))}
              {actions && (
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((record) => (
              <tr key={keyOf(record)}>
                {columns.map((column) => (
                  <td key={column.label}>{column.cell(record)}</td>
                ))}
                {actions && <td class="row-actions">{actions(record)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > pageSize && (
        <nav class="pager" aria-label={`${props.label} pages`}>
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => props.onPage(Math.max(0, offset - pageSize))}
          >
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + pageSize, total)} of {total}
          </span>
          <button
            type="button"
            disabled={offset + pageSize >= total}
            onClick={() => props.onPage(offset + pageSize)}
          >
            Next
          </button>
        </nav>
      )}
    </>
  );
}
