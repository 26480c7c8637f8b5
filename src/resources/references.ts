import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { AppError, FieldError } from '../http/app-error';
import { dialectOf, jsonArrayElements } from '../database/dialect';
import type { Grantee } from '../access/effective-rights';
import type { RecordBase } from './record-base';
import type {
  Reference,
  ReferenceTarget,
  ResourceDefinition,
} from './resource-definition';

export const RESOURCE_DEFINITIONS = Symbol('RESOURCE_DEFINITIONS');
export const REFERENCE_HOLDERS = Symbol('REFERENCE_HOLDERS');

/** Records outside the resource registry that name others: users and API keys. */
export interface ReferenceHolder {
  /** Plural, for messages: "API keys". */
  name: string;
  entity: EntityTarget<ObjectLiteral>;
  references: Reference[];
  /** For records that hold roles (users, keys): their grants, for the rule on holders (SPEC §20). */
  grantee?: (record: ObjectLiteral) => Grantee;
}

/** What a user or key names (SPEC §15): each id must exist. */
export const GRANT_REFERENCES: Reference[] = [
  { property: 'categories', target: 'categories', many: true },
  { property: 'groups', target: 'groups', many: true },
  { property: 'roles', target: 'roles', many: true },
];

const NOUN: Record<ReferenceTarget, string> = {
  categories: 'category',
  groups: 'group',
  roles: 'role',
};

/**
 * Ids that records name (an event's category and targets, a monitor's groups,
 * a key's categories, groups and roles…): they must exist when given, and what
 * is named cannot be deleted.
 */
@Injectable()
export class References {
  private readonly holders: ReferenceHolder[];

  constructor(
    @Inject(RESOURCE_DEFINITIONS)
    private readonly definitions: ResourceDefinition[],
    @Inject(REFERENCE_HOLDERS) holders: ReferenceHolder[],
  ) {
    this.holders = [...definitions, ...holders];
  }

  /** 400 validation_failed naming the ids that do not exist. Scope was checked before, by the guard. */
  async assertExist(
    manager: EntityManager,
    references: Reference[],
    values: Record<string, unknown>,
    wireName: (property: string) => string = (property) => property,
  ): Promise<void> {
    const errors: FieldError[] = [];
    for (const reference of references) {
      const ids = idsOf(reference, values[reference.property]);
      if (ids.length === 0) continue;
      const found = await manager.findBy(this.entityOf(reference.target), {
        id: In(ids),
      });
      const known = new Set(found.map((record) => record.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) {
        errors.push({
          field: wireName(reference.property),
          message: `unknown ${NOUN[reference.target]} ${missing.map((id) => `"${id}"`).join(', ')}`,
        });
      }
    }
    if (errors.length > 0) throw AppError.validation(errors);
  }

  /** 409 conflict while any record names this category, group or role. */
  async assertUnreferenced(
    manager: EntityManager,
    definition: ResourceDefinition,
    id: string,
  ): Promise<void> {
    for (const other of this.holders) {
      for (const reference of other.references) {
        if (reference.target !== definition.name) continue;
        if (await isNamed(manager, other, reference, id)) {
          throw AppError.conflict(
            `The ${definition.noun} "${id}" is still used by ${other.name}; change or delete them first.`,
          );
        }
      }
    }
  }

  /**
   * The users and keys whose grants name `id` of `target` (a role's holders,
   * SPEC §20), read with `manager`: inside the write's transaction.
   */
  async grantees(
    manager: EntityManager,
    target: ReferenceTarget,
    id: string,
  ): Promise<Grantee[]> {
    const found: Grantee[] = [];
    for (const holder of this.holders) {
      if (!holder.grantee) continue;
      for (const reference of holder.references) {
        if (reference.target !== target) continue;
        const records = await naming(manager, holder, reference, id).getMany();
        found.push(...records.map(holder.grantee));
      }
    }
    return found;
  }

  private entityOf(name: ReferenceTarget) {
    const target = this.definitions.find((d) => d.name === name);
    if (!target) throw new Error(`no resource ${name}`);
    return target.entity as new () => RecordBase;
  }
}

/**
 * The records of `holder` that name `id` in `reference`: the one place that
 * knows how a list of ids is stored and searched (a JSON array; its elements
 * come from the dialect piece, database/dialect.ts).
 */
function naming(
  manager: EntityManager,
  holder: ReferenceHolder,
  reference: Reference,
  id: string,
) {
  const column = `r.${reference.property}`;
  const elements = jsonArrayElements(dialectOf(manager), column, 'v');
  return manager
    .createQueryBuilder(holder.entity, 'r')
    .where(
      reference.many
        ? `EXISTS (SELECT 1 FROM ${elements} WHERE v.value = :id)`
        : `${column} = :id`,
      { id },
    );
}

/**
 * Whether any record of `holder` names `id` in `reference`.
 *
 * Not TypeORM's getExists(): it wraps the condition in a second EXISTS, and
 * SQLite 3.52's EXISTS-to-join rewrite then stops scanning the outer table
 * after its first row, so a group named only by a later record looked free
 * (409 answered 204). A plain `SELECT … LIMIT 1` has no such nesting.
 */
async function isNamed(
  manager: EntityManager,
  holder: ReferenceHolder,
  reference: Reference,
  id: string,
): Promise<boolean> {
  const row: unknown = await naming(manager, holder, reference, id)
    .select('1', 'named')
    .limit(1)
    .getRawOne();
  return row !== undefined;
}

function idsOf(reference: Reference, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return reference.many ? [...new Set(value as string[])] : [value as string];
}
