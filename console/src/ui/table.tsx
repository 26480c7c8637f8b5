import type { ComponentChildren } from 'preact';

export interface Column<R> {
  label: string;
  cell: (record: R) => ComponentChildren;
  /** What the column sorts by, and what Search looks in. */
  value: (record: R) => string | number;
}

export interface Sort {
  column: number;
  descending: boolean;
}

interface Props<R> {
  label: string;
  columns: Column<R>[];
  rows: R[];
  keyOf: (record: R) => string;
  actions?: (record: R) => ComponentChildren;
  sort?: Sort;
  onSort: (sort: Sort) => void;
}

const ariaSort = (sort: Sort | undefined, column: number) =>
  sort?.column !== column
    ? 'none'
    : sort.descending
      ? 'descending'
      : 'ascending';

/**
 * A table in its own region. Each column header is a button that sorts the
 * rows (aria-sort says how). Below 600 px each row becomes a card, each cell
 * with its column's name, so every action stays on screen (SPEC §21).
 */
export function Table<R>(props: Props<R>) {
  const { columns, rows, keyOf, actions, sort, onSort } = props;
  return (
    <div
      class="table-scroll"
      role="region"
      aria-label={`${props.label} list`}
      tabIndex={0}
    >
      <table aria-label={props.label}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th
                key={column.label}
                scope="col"
                aria-sort={ariaSort(sort, index)}
              >
                <button
                  type="button"
                  class="sort"
                  onClick={() =>
                    onSort({
                      column: index,
                      descending:
                        sort?.column === index ? !sort.descending : false,
                    })
                  }
                >
                  {column.label}
                  <span class="sort-mark" aria-hidden="true" />
                </button>
              </th>
            ))}
            {actions && (
              <th scope="col" class="actions-head">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((record) => (
            <tr key={keyOf(record)}>
              {columns.map((column) => (
                <td key={column.label}>
                  <span class="cell-label" aria-hidden="true">
                    {column.label}
                  </span>
                  <span class="cell-value">{column.cell(record)}</span>
                </td>
              ))}
              {actions && <td class="row-actions">{actions(record)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Rows in the order of the chosen column; numbers as numbers, text as a person sorts it. */
export function sortRows<R>(
  rows: R[],
  columns: Column<R>[],
  sort: Sort | undefined,
): R[] {
  if (!sort) return rows;
  const value = columns[sort.column].value;
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y), undefined, { numeric: true });
    return sign * order;
  });
}
