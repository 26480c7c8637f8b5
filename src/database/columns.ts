import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/** Instants are stored as integer milliseconds since the epoch: compact and comparable in SQL. */
const epochMillis: ValueTransformer = {
  to: (value: Date | null | undefined) =>
    value instanceof Date ? value.getTime() : value,
  from: (value: number | null) => (value === null ? null : new Date(value)),
};

export function InstantColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'integer', transformer: epochMillis, ...options });
}

/** A list of short ids stored as a JSON array. */
export function IdListColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'simple-json', default: '[]', ...options });
}
