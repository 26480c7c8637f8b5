import type { Type } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Grantee } from '../access/effective-rights';
import type { Principal } from '../access/principal';
import type { CatalogResource } from '../access/privileges';
import type { ScopedResource } from '../access/scoped.decorator';
import type { Schema } from '../validation/schema';
import type { RecordBase } from './record-base';

export type { ScopedResource };

/** A property that names other records, which must exist (400) and cannot be deleted while named (409). */
export interface Reference {
  property: string;
  target: ReferenceTarget;
  many: boolean;
}

/**
 * The kinds of record that others name by id (SPEC §15: they must exist):
 * small, read on almost every request, rarely written, so served from an
 * in-process copy (reference-copy.ts).
 */
export const REFERENCE_TARGETS = ['categories', 'groups', 'roles'] as const;
export type ReferenceTarget = (typeof REFERENCE_TARGETS)[number];

export const isReferenceTarget = (name: string): name is ReferenceTarget =>
  (REFERENCE_TARGETS as readonly string[]).includes(name);

/** What a rule may read inside the write's transaction. */
export interface RuleContext {
  manager: EntityManager;
  /** The users and keys whose grants name the record `id` of this resource (a role's holders). */
  grantees(id: string): Promise<Grantee[]>;
}

/** A write as a rule on its consequences sees it: `stored` null on create, `next` null on delete. */
export interface RecordChange<E> {
  id: string;
  stored: E | null;
  next: E | null;
}

/** A resource's own rules, beyond privileges, scope and references. */
export interface ResourceRules<E> {
  /** Inside the write's transaction, before references are checked; `stored` is null on create. */
  beforeWrite?(caller: Principal, next: E, stored: E | null): void;
  /** Inside the delete's transaction, once the record is known unreferenced (409 first). */
  beforeDelete?(caller: Principal, stored: E): void;
  /**
   * Last, inside the write's transaction just before the write, once every
   * other check passed: what the change does to other records (a role's
   * holders, SPEC §20).
   */
  beforeCommit?(
    caller: Principal,
    change: RecordChange<E>,
    context: RuleContext,
  ): Promise<void>;
}

/**
 * Everything that differs between the guarded resources of SPEC §9: the rest
 * (routes, privileges, scope, pagination, references) is one shared mechanism.
 */
export interface ResourceDefinition<
  E extends RecordBase = RecordBase,
> extends ScopedResource<E> {
  /** The path under /api and the privilege suffix: `events` → create_events… */
  name: string;
  /** Whether the creator chooses the id (categories, groups) or it is generated. */
  clientIds: boolean;
  /** Body DTOs of the generic CRUD routes (jobs have their own routes). */
  createDto?: Type<object>;
  updateDto?: Type<object>;
  /**
   * The entity properties on the wire besides id and timestamps; each one's
   * wire name is its snake_case (the rule of common/naming.ts). Written with
   * `propertiesOf<Entity>()(…)`, so a name the entity lacks fails the typecheck.
   */
  fields: readonly string[];
  /** The only wire names that do not follow the rule: property → wire name. */
  wireNames?: Readonly<Record<string, string>>;
  /** Schemas of record fields that no create body describes (a job's state…), by wire name. */
  fieldSchemas?: Record<string, Schema>;
  references: Reference[];
  rules?: ResourceRules<E>;
  /**
   * Records that grant rights (roles): a change is announced to the
   * credential caches (so holders see it on their next request) and audited.
   */
  grantsRights?: 'role';
}

/** A resource with the five generic routes: its name is a catalog resource, so its privileges exist. */
export interface CrudResource<
  E extends RecordBase = RecordBase,
> extends ResourceDefinition<E> {
  name: CatalogResource;
  createDto: Type<object>;
  updateDto: Type<object>;
}

/** Property names of entity E, checked by the compiler: `propertiesOf<Event>()('title')`. */
export const propertiesOf =
  <E>() =>
  <K extends keyof E & string>(...names: K[]): readonly K[] =>
    names;
