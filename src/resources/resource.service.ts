import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuditContext } from '../audit/audit-context';
import { changedFields, createdFields } from '../audit/audit-details';
import type { AuditEvent, AuditLog } from '../audit/audit-log';
import { actorOf, type Principal } from '../access/principal';
import { assertRecordInScope } from '../access/scope';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { ChangeBus } from '../bus/change-bus';
import { newId } from '../secrets/secrets';
import { Page, PageQuery } from '../validation/validation';
import { WriteLock } from '../database/write-lock';
import type { RecordBase } from './record-base';
import {
  isReferenceTarget,
  type RecordChange,
  type ResourceDefinition,
} from './resource-definition';
import { References } from './references';
import type { MaybePromise } from '../concurrency/maybe-promise';
import { ResourceReads } from './resource-reads';
import type { RecordView } from './wire-format';

export type { RecordView };

/** Record fields that are not facts a change sets. */
const BOOKKEEPING = ['id', 'created_at', 'updated_at', 'created_by'];

/**
 * CRUD for every guarded resource: one copy of pagination, scope filtering,
 * reference checks and record shape. Scope on single records is checked by
 * the scope check before validation, and again here by every write on the
 * record it reads and the record it writes, in its own transaction (SPEC
 * §20): a record moved between that check and the write is refused.
 */
export class ResourceService<E extends RecordBase> {
  readonly reads: ResourceReads<E>;

  constructor(
    readonly definition: ResourceDefinition<E>,
    dataSource: DataSource,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
    private readonly references: References,
    private readonly changes: ChangeBus,
    private readonly audit: AuditLog,
  ) {
    this.reads = new ResourceReads(definition, dataSource, changes);
  }

  private assertReferencesExist(
    manager: EntityManager,
    values: Record<string, unknown>,
  ): Promise<void> {
    return this.references.assertExist(
      manager,
      this.definition.references,
      values,
      (property) => this.wireName(property),
    );
  }

  /** Records that grant rights are audited, in the transaction of the change. */
  private async record(
    manager: EntityManager,
    context: AuditContext,
    verb: 'create' | 'update' | 'delete',
    id: string,
    details: () => AuditEvent['details'],
  ): Promise<void> {
    const kind = this.definition.grantsRights;
    if (!kind) return;
    await this.audit.record(manager, context, {
      action: `${kind}.${verb}`,
      targetType: kind,
      targetId: id,
      details: details(),
    });
  }

  /**
   * Every write, once committed: copies and totals of this resource are
   * dropped, and holders of a changed role see it on their very next request.
   */
  announce(id: string): void {
    this.changes.publish({ kind: 'records', resource: this.definition.name });
    if (this.definition.grantsRights) {
      this.changes.publish({ kind: this.definition.grantsRights, id });
    }
  }

  async create(
    dto: object,
    caller: Principal,
    context: AuditContext,
  ): Promise<RecordView> {
    const now = new Date(this.clock.now());
    const values = this.fromBody(dto);
    const record = {
      ...this.definition.defaults,
      ...values,
      id: this.definition.clientIds ? (dto as { id: string }).id : newId(),
      createdAt: now,
      updatedAt: now,
      createdBy: actorOf(caller),
    } as unknown as E;
    await this.lock.transaction(async (manager) => {
      if (
        await manager.existsBy(this.definition.entity, this.byId(record.id))
      ) {
        throw AppError.conflict(
          `A ${this.definition.noun} with id "${record.id}" exists.`,
        );
      }
      assertRecordInScope(caller, this.definition, record);
      this.definition.rules?.beforeWrite?.(caller, record, null);
      await this.assertReferencesExist(manager, values);
      await this.beforeCommit(manager, caller, {
        id: record.id,
        stored: null,
        next: record,
      });
      await manager.insert(
        this.definition.entity,
        record as QueryDeepPartialEntity<E>,
      );
      await this.record(manager, context, 'create', record.id, () =>
        createdFields(this.view(record), BOOKKEEPING),
      );
    });
    this.announce(record.id);
    return this.view(record);
  }

  list(caller: Principal, page: PageQuery): MaybePromise<Page<RecordView>> {
    return this.reads.list(caller, page);
  }

  get(id: string, caller: Principal): MaybePromise<RecordView> {
    return this.reads.get(id, caller);
  }

  async update(
    id: string,
    dto: object,
    caller: Principal,
    context: AuditContext,
  ): Promise<RecordView> {
    const values = this.fromBody(dto);
    const record = await this.lock.transaction(async (manager) => {
      const stored = await this.findInScope(manager, id, caller);
      const changes: Record<string, unknown> = {
        ...values,
        updatedAt: new Date(this.clock.now()),
      };
      const next = { ...stored, ...changes };
      assertRecordInScope(caller, this.definition, next);
      this.definition.rules?.beforeWrite?.(caller, next, stored);
      await this.assertReferencesExist(manager, values);
      await this.beforeCommit(manager, caller, { id, stored, next });
      await manager.update(
        this.definition.entity,
        this.byId(id),
        changes as QueryDeepPartialEntity<E>,
      );
      await this.record(manager, context, 'update', id, () =>
        changedFields(this.view(stored), this.view(next)),
      );
      return next;
    });
    this.announce(record.id);
    return this.view(record);
  }

  async remove(
    id: string,
    caller: Principal,
    context: AuditContext,
  ): Promise<void> {
    await this.lock.transaction(async (manager) => {
      const stored = await this.findInScope(manager, id, caller);
      // A record still named cannot be deleted by anyone: 409 before any
      // rule on who may delete it (SPEC §20's order of refusals).
      await this.references.assertUnreferenced(manager, this.definition, id);
      this.definition.rules?.beforeDelete?.(caller, stored);
      await this.beforeCommit(manager, caller, { id, stored, next: null });
      await manager.delete(this.definition.entity, { id });
      await this.record(manager, context, 'delete', id, () => ({}));
    });
    this.announce(id);
  }

  /** The resource's rule on what a change does to others, in the write's transaction. */
  private async beforeCommit(
    manager: EntityManager,
    caller: Principal,
    change: RecordChange<E>,
  ): Promise<void> {
    const rules = this.definition.rules;
    if (!rules?.beforeCommit) return;
    const name = this.definition.name;
    await rules.beforeCommit(caller, change, {
      manager,
      grantees: (id) =>
        isReferenceTarget(name)
          ? this.references.grantees(manager, name, id)
          : Promise.resolve([]),
    });
  }

  /** The record, or 404. */
  find(manager: EntityManager, id: string): Promise<E> {
    return this.reads.find(manager, id);
  }

  /**
   * The record a write acts on, read in the write's transaction: 404 when
   * there is none, 403 scope_denied when the caller may not act on it as it
   * is now, whatever the scope check read before.
   */
  async findInScope(
    manager: EntityManager,
    id: string,
    caller: Principal,
  ): Promise<E> {
    const record = await this.find(manager, id);
    assertRecordInScope(caller, this.definition, record);
    return record;
  }

  view(record: E): RecordView {
    return this.reads.view(record);
  }

  /** `{ id }` as a condition on E: every record kind has an id (RecordBase), which TS cannot see through E. */
  private byId(id: string): FindOptionsWhere<E> {
    return { id } as FindOptionsWhere<E>;
  }

  private wireName(property: string): string {
    return this.reads.format.wireName(property);
  }

  /** Body fields present in a validated DTO, as entity properties. */
  private fromBody(dto: object): Record<string, unknown> {
    const body = dto as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const property of this.definition.fields) {
      const wire = this.wireName(property);
      if (body[wire] !== undefined) values[property] = body[wire];
    }
    return values;
  }
}
