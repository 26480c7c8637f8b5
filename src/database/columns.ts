import {
  Column,
  ColumnOptions,
  getMetadataArgsStorage,
  ValueTransformer,
} from 'typeorm';
import type { Dialect } from './dialect';

/**
 * Instants are stored as integer milliseconds since the epoch: compact and
 * comparable in SQL. `pg` returns bigint as a string, hence `Number`.
 */
const epochMillis: ValueTransformer = {
  to: (value: Date | null | undefined) =>
    value instanceof Date ? value.getTime() : value,
  from: (value: number | string | null) =>
    value === null ? null : new Date(Number(value)),
};

/** Whole numbers up to 2^53; `pg` returns bigint as a string, hence `Number`. */
const wideInt: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: number | string | null) =>
    value === null ? null : Number(value),
};

/** Marks IdListColumns, whose database default differs per dialect. */
const idList: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => value,
};

export function InstantColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'integer', transformer: epochMillis, ...options });
}

/** An integer that may pass 2^31 (a WebAuthn signature counter is 32 bits unsigned). */
export function WideIntColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'integer', transformer: wideInt, ...options });
}

/** A list of short ids stored as a JSON array (text on both databases). */
export function IdListColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({
    type: 'simple-json',
    default: '[]',
    transformer: idList,
    ...options,
  });
}

/**
 * Decorators cannot know the database, so what differs is set when a data
 * source is described:
 * - SQLite's integer holds 64 bits; PostgreSQL's holds 32, which epoch
 *   milliseconds overflow, so instants (and other wide integers) are bigint there.
 * - PostgreSQL returns columns with a default after an INSERT and TypeORM
 *   merges them into the entity untransformed (a JSON list as a string), so
 *   lists have no database default there; every insert names them.
 */
export function usePortableColumnsFor(dialect: Dialect): void {
  for (const column of getMetadataArgsStorage().columns) {
    const transformer = column.options.transformer;
    if (transformer === epochMillis || transformer === wideInt) {
      column.options.type = dialect === 'postgres' ? 'bigint' : 'integer';
    }
    if (column.options.transformer === idList) {
      if (dialect === 'postgres') delete column.options.default;
      else column.options.default = '[]';
    }
  }
}
