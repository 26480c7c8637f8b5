import { DataSource, EntityManager } from 'typeorm';

/** The two databases opsgate runs on (SPEC §14). */
export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(source: DataSource | EntityManager): Dialect {
  const dataSource =
    source instanceof EntityManager ? source.connection : source;
  const type = dataSource.options.type;
  return type === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * The one place where the SQL of the two databases differs: a FROM item that
 * yields the elements of a JSON array column as rows of `<alias>.value`.
 * Queries are otherwise written once, for both.
 */
export function jsonArrayElements(
  dialect: Dialect,
  column: string,
  alias: string,
): string {
  return dialect === 'postgres'
    ? `jsonb_array_elements_text(${column}::jsonb) AS ${alias}(value)`
    : `json_each(${column}) AS ${alias}`;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * `expr` with A–Z folded to a–z and nothing else: SQLite's lower() folds
 * ASCII only (without ICU), PostgreSQL's every script, so a
 * case-insensitive search folds ASCII on both and answers alike.
 */
export function asciiLower(dialect: Dialect, expr: string): string {
  return dialect === 'postgres'
    ? `translate(${expr}, '${UPPER}', '${UPPER.toLowerCase()}')`
    : `lower(${expr})`;
}

/** `value` folded as asciiLower folds a column. */
export const foldAscii = (value: string): string =>
  value.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** A LIKE pattern matching `value` anywhere, its own % _ and \ taken literally (ESCAPE '\'). */
export const containsPattern = (value: string): string =>
  `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** COUNT(*) and bigint come back from `pg` as strings: numbers on the wire on both. */
export function toNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
