import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Page } from '../api';
import { Alert, Loading, messageOf } from './alert';
import { sortRows, Table, type Column, type Sort } from './table';

/** Rows a page (SPEC §21). */
export const PAGE_SIZE = 50;

export interface ListQuery {
  limit: number;
  offset: number;
  q?: string;
}

export interface ListSpec<R> {
  /** The table's name: "API Keys". */
  label: string;
  columns: Column<R>[];
  keyOf: (record: R) => string;
  load: (query: ListQuery) => Promise<Page<R>>;
  /**
   * The API filters by `q` itself; otherwise Search filters what was
   * loaded: `chunk` rows at a time (default the API's largest page).
   */
  serverSearch?: boolean;
  chunk?: number;
  actions?: (record: R) => ComponentChildren;
  empty: string;
  /** Changed by the screen to load again after a change. */
  version?: unknown;
  /** false: no Search (a short list beside a searchable one). */
  search?: boolean;
}

/** A searchable, sortable list, 50 rows a page, with "Showing A–B of N". */
export function ListView<R>({ spec }: { spec: ListSpec<R> }) {
  const chunk = spec.serverSearch ? PAGE_SIZE : (spec.chunk ?? 1000);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<Sort>();
  const [loaded, setLoaded] = useState<Page<R> & { from: number }>();
  const [alert, setAlert] = useState<string>();
  const searchId = useId();
  const from = Math.floor(offset / chunk) * chunk;
  const serverQ = spec.serverSearch ? q : undefined;

  // The server is asked once typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => setOffset(0), [q]);

  useEffect(() => {
    let current = true;
    spec
      .load({ limit: chunk, offset: from, q: serverQ || undefined })
      .then((page) => {
        if (!current) return;
        setAlert(undefined);
        setLoaded({ ...page, from });
      })
      .catch((error) => current && setAlert(messageOf(error)));
    return () => {
      current = false;
    };
  }, [from, chunk, serverQ, spec.version]);

  const needle = spec.serverSearch ? '' : q.toLowerCase();
  const matches = (record: R) =>
    spec.columns.some((column) =>
      String(column.value(record)).toLowerCase().includes(needle),
    );
  const rows = loaded ? loaded.items.filter(matches) : [];
  const total = needle ? rows.length : (loaded?.total ?? 0);
  // Until the page asked for arrives, the page shown stays as it was.
  const shownOffset = useRef(0);
  if (loaded?.from === from) shownOffset.current = offset;
  const at = shownOffset.current;
  const start = needle ? at : at - (loaded?.from ?? 0);
  const shown = sortRows(rows, spec.columns, sort).slice(
    start,
    start + PAGE_SIZE,
  );
  // A deletion can leave the last page empty: show the new last page.
  useEffect(() => {
    if (loaded && offset > 0 && offset >= total) {
      setOffset(Math.floor(Math.max(0, total - 1) / PAGE_SIZE) * PAGE_SIZE);
    }
  }, [loaded, offset, total]);
  const first = total === 0 ? 0 : at + 1;
  const last = Math.min(at + PAGE_SIZE, total);

  return (
    <div class="list">
      {spec.search !== false && (
        <div class="list-bar">
          <label for={searchId} class="visually-hidden">
            Search
          </label>
          <input
            id={searchId}
            type="search"
            class="search"
            placeholder="Search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
      )}
      <Alert message={alert} />
      {!loaded ? (
        !alert && <Loading />
      ) : total === 0 ? (
        <p class="empty">{q ? 'Nothing matches the search.' : spec.empty}</p>
      ) : (
        <>
          <Table
            label={spec.label}
            columns={spec.columns}
            rows={shown}
            keyOf={spec.keyOf}
            actions={spec.actions}
            sort={sort}
            onSort={setSort}
          />
          <nav class="pager" aria-label={`${spec.label} pages`}>
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              Previous
            </button>
            <span>
              Showing {first}–{last} of {total}
            </span>
            <button
              type="button"
              disabled={offset + PAGE_SIZE >= total}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </div>
  );
}
