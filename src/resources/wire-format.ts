import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { Driver } from 'typeorm/driver/Driver';
import { snakeCase } from '../validation/naming';
import { iso } from '../time/instants';
import type { RecordBase } from './record-base';
import type { ResourceDefinition } from './resource-definition';

export type RecordView = Record<string, unknown>;

interface WireColumn {
  /** The field's name on the wire, also the column's alias in a raw select. */
  wire: string;
  property: string;
  column: ColumnMetadata;
  /** Text as stored is text on the wire: hydrating it would change nothing. */
  asIs: boolean;
}

const TEXT_TYPES = new Set<unknown>(['varchar', 'text', String]);

/** Instants leave as ISO-8601 strings; every other value as it is. */
const outgoing = (value: unknown): unknown =>
  value instanceof Date ? iso(value) : value;

/**
 * A record's wire shape (SPEC §9): id, the resource's own fields, the
 * timestamps, in that order. The one list of its columns serves both an
 * entity already loaded (a get, a write) and a raw row of a list query, so a
 * list maps each row once instead of building an entity and then a view.
 */
export class WireFormat<E extends RecordBase> {
  private readonly columns: WireColumn[];
  private readonly driver: Driver;

  constructor(definition: ResourceDefinition<E>, dataSource: DataSource) {
    const metadata = dataSource.getMetadata(definition.entity);
    this.driver = dataSource.driver;
    const names: Partial<Record<string, string>> = definition.wireNames ?? {};
    const properties: [string, string][] = [
      ['id', 'id'],
      ...definition.fields.map((p): [string, string] => [
        names[p] ?? snakeCase(p),
        p,
      ]),
      ['created_at', 'createdAt'],
      ['updated_at', 'updatedAt'],
      ['created_by', 'createdBy'],
    ];
    this.columns = properties.map(([wire, property]) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`${definition.name}: no column ${property}`);
      const asIs = TEXT_TYPES.has(column.type) && !column.transformer;
      return { wire, property, column, asIs };
    });
  }

  /** The wire name of an entity property. */
  wireName(property: string): string {
    const found = this.columns.find((c) => c.property === property);
    return found ? found.wire : snakeCase(property);
  }

  fromEntity(record: E): RecordView {
    const values = record as Record<string, unknown>;
    const view: RecordView = {};
    for (const { wire, property } of this.columns) {
      view[wire] = outgoing(values[property]);
    }
    return view;
  }

  /** Selects exactly the returned columns, each under its wire name. */
  select<Q extends ObjectLiteral>(
    query: SelectQueryBuilder<Q>,
  ): SelectQueryBuilder<Q> {
    const alias = query.alias;
    const [first, ...rest] = this.columns;
    query.select(`${alias}.${first.property}`, first.wire);
    for (const { wire, property } of rest) {
      query.addSelect(`${alias}.${property}`, wire);
    }
    return query;
  }

  /**
   * A raw row of `select` on the wire. The driver's own hydration converts
   * each value (SQLite's 0/1 booleans, JSON lists, PostgreSQL's bigint
   * strings through the instant transformer), so the types are those of an
   * entity without building one. Text columns skip that call: it returns
   * them unchanged, and on a page of 100 events they are 600 of its 1,000
   * values.
   */
  fromRow(row: Record<string, unknown>): RecordView {
    const view: RecordView = {};
    for (const { wire, column, asIs } of this.columns) {
      const raw = row[wire];
      view[wire] = asIs
        ? raw
        : outgoing(this.driver.prepareHydratedValue(raw, column));
    }
    return view;
  }
}
