import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Page, PageQuery } from '../common/validation';
import { toNumber } from '../database/dialect';
import type { RecordBase } from './record-base';
import type { RecordView, WireFormat } from './wire-format';

/** The records a caller may see, as a fresh query under `alias`. */
export type VisibleRecords<E extends ObjectLiteral> = (
  alias: string,
) => SelectQueryBuilder<E>;

/**
 * One page of a list and its total in one statement: the total is an
 * uncorrelated scalar subquery, which both databases evaluate once and answer
 * from the list-order index. Not `COUNT(*) OVER ()`: a window makes SQLite
 * materialise and sort every visible row before the LIMIT (on 100,000 events,
 * 10,000 in one category: 39 ms against 1 ms for this form, SQLite 3.40 CLI).
 */
export async function leanPage<E extends RecordBase>(
  visible: VisibleRecords<E>,
  format: WireFormat<E>,
  page: PageQuery,
  knownTotal?: number,
): Promise<Page<RecordView>> {
  if (knownTotal !== undefined) {
    // Past the end nothing is read; otherwise only the page.
    if (page.offset >= knownTotal) return { items: [], total: knownTotal };
    const rows = await pageOf(visible('r'), format, page).getRawMany<
      Record<string, unknown>
    >();
    return { items: rows.map((row) => format.fromRow(row)), total: knownTotal };
  }
  const count = visible('c').select('COUNT(*)', 'total');
  const rows = await pageOf(visible('r'), format, page)
    .addSelect(`(${count.getQuery()})`, 'total')
    .getRawMany<Record<string, unknown>>();
  if (rows.length > 0) {
    return {
      items: rows.map((row) => format.fromRow(row)),
      total: toNumber(rows[0].total),
    };
  }
  // An empty page carries no row, hence no total: an empty list has none;
  // past its end, count apart (a rare request, and still one index read).
  if (page.offset === 0) return { items: [], total: 0 };
  const counted = await count.getRawOne<{ total: unknown }>();
  return { items: [], total: toNumber(counted?.total) };
}

function pageOf<E extends RecordBase>(
  query: SelectQueryBuilder<E>,
  format: WireFormat<E>,
  page: PageQuery,
): SelectQueryBuilder<E> {
  return format
    .select(query)
    .orderBy('r.createdAt', 'ASC')
    .addOrderBy('r.id', 'ASC')
    .offset(page.offset)
    .limit(page.limit);
}
