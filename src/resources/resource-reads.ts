import type {
  DataSource,
  EntityManager,
  FindOptionsWhere,
  Repository,
} from 'typeorm';
import type { Principal } from '../access/principal';
import { assertRecordInScope, scopeOf } from '../access/scope';
import { AppError } from '../http/app-error';
import type { ChangeBus } from '../bus/change-bus';
import { andThen, type MaybePromise } from '../concurrency/maybe-promise';
import type { Page, PageQuery } from '../validation/validation';
import { LeanPages } from './lean-page';
import type { RecordBase } from './record-base';
import { ListMemory, scopeKey } from './list-totals';
import { ReferenceCopy } from './reference-copy';
import {
  isReferenceTarget,
  type ResourceDefinition,
} from './resource-definition';
import { applyScopeFilter } from './scope-filter';
import { type RecordView, WireFormat } from './wire-format';

/** Distinct scopes whose totals are kept between two writes. */
const MAX_SCOPES = 1000;
/** Rows of recent pages kept between two writes (a page of 100 events is about 40 KB). */
const MAX_PAGE_ROWS = 20_000;

/**
 * The read side of a resource: lists and records on the wire, from the
 * in-memory copy for reference data (categories, groups, roles), else from
 * one lean query.
 */
export class ResourceReads<E extends RecordBase> {
  private readonly repo: Repository<E>;
  readonly format: WireFormat<E>;
  readonly copy: ReferenceCopy | undefined;
  /** The larger collections: totals per scope, and pages, from memory between writes. */
  readonly totals: ListMemory<number>;
  private readonly recentPages: ListMemory<Page<RecordView>>;
  private readonly pages: LeanPages<E>;

  constructor(
    private readonly definition: ResourceDefinition<E>,
    dataSource: DataSource,
    changes: ChangeBus,
  ) {
    this.repo = dataSource.getRepository(definition.entity);
    this.format = new WireFormat(definition, dataSource);
    this.copy = isReferenceTarget(definition.name)
      ? new ReferenceCopy(definition.name, definition.scope, changes, () =>
          this.loadAll(),
        )
      : undefined;
    this.totals = new ListMemory(definition.name, changes, MAX_SCOPES);
    this.recentPages = new ListMemory(
      definition.name,
      changes,
      MAX_PAGE_ROWS,
      (page) => page.items.length + 1,
    );
    this.pages = new LeanPages(this.repo.manager, this.format);
  }

  list(caller: Principal, page: PageQuery): MaybePromise<Page<RecordView>> {
    return this.copy?.list(caller, page) ?? this.query(caller, page);
  }

  /**
   * A page read since the table last changed is answered from memory (a
   * dashboard polling its list costs no query); else one lean query, with the
   * total from memory when known.
   */
  private query(
    caller: Principal,
    page: PageQuery,
  ): MaybePromise<Page<RecordView>> {
    const key = scopeKey(this.definition.scope, caller);
    const pageKey = `${key} ${page.limit} ${page.offset}`;
    const recent = this.recentPages.get(pageKey);
    if (recent !== undefined) return recent;
    const generation = this.recentPages.current;
    return this.read(caller, key, page).then((result) => {
      this.recentPages.remember(pageKey, generation, result);
      return result;
    });
  }

  private async read(
    caller: Principal,
    key: string,
    page: PageQuery,
  ): Promise<Page<RecordView>> {
    const generation = this.totals.current;
    const visible = (alias: string) =>
      applyScopeFilter(
        this.repo.createQueryBuilder(alias),
        this.definition.scope,
        caller,
      );
    const known = this.totals.get(key);
    const result = await this.pages.page(key, visible, page, known);
    if (known === undefined) {
      this.totals.remember(key, generation, result.total);
    }
    return result;
  }

  /**
   * One record on the wire. The scope check read it before, apart; its scope
   * is checked again on the very record answered, so one moved out of the
   * caller's scope in between is refused, not shown. The copied kinds need
   * no second look: a category's or group's scope is its id, which never
   * changes, and roles have none.
   */
  get(id: string, caller: Principal): MaybePromise<RecordView> {
    const cached = this.copy?.get(id);
    if (cached === undefined) {
      return this.find(this.repo.manager, id).then((record) => {
        assertRecordInScope(caller, this.definition, record);
        return this.view(record);
      });
    }
    return andThen(cached, (view) => view ?? this.notFound(id));
  }

  /** The record, or 404. */
  async find(manager: EntityManager, id: string): Promise<E> {
    const record =
      typeof id === 'string'
        ? await manager.findOneBy(this.definition.entity, {
            id,
          } as FindOptionsWhere<E>)
        : null;
    return record ?? this.notFound(id);
  }

  /** The wire shape: id, the resource's own fields, and the record timestamps. */
  view(record: E): RecordView {
    return this.format.fromEntity(record);
  }

  private notFound(id: string): never {
    throw AppError.notFound(`No ${this.definition.noun} with id "${id}".`);
  }

  /** Every record in list order, for the in-memory copy. */
  private async loadAll() {
    const records = await this.repo
      .createQueryBuilder('r')
      .orderBy('r.createdAt', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
    return records.map((record) => ({
      view: this.view(record),
      scope: scopeOf(this.definition.scope, record as Record<string, unknown>),
    }));
  }
}
