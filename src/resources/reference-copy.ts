import type { Principal } from '../access/principal';
import {
  restrictsCategories,
  restrictsGroups,
  scopeDenial,
  type ResourceScope,
  type ScopeMapping,
} from '../access/scope';
import type { Change, ChangeBus } from '../bus/change-bus';
import { andThen, type MaybePromise } from '../concurrency/maybe-promise';
import type { Page, PageQuery } from '../validation/validation';
import type { ReferenceTarget } from './resource-definition';
import type { RecordView } from './wire-format';

/** A stored record as the copy keeps it: its wire view and the scope it declares. */
export interface ReferenceEntry {
  view: RecordView;
  scope: ResourceScope;
}

interface Snapshot {
  /** In the database's list order (created_at, then id, in its collation). */
  entries: ReferenceEntry[];
  views: RecordView[];
  byId: Map<string, RecordView>;
}

const affects = (change: Change, resource: ReferenceTarget) =>
  change.kind === 'all' ||
  (change.kind === 'records' && change.resource === resource);

/** Views are shared by every response that lists them: none may change one. */
function frozen(view: RecordView): RecordView {
  for (const value of Object.values(view)) {
    if (Array.isArray(value)) Object.freeze(value);
  }
  return Object.freeze(view);
}

function snapshotOf(entries: ReferenceEntry[]): Snapshot {
  const views = entries.map((entry) => frozen(entry.view));
  return {
    entries,
    views,
    byId: new Map(views.map((view) => [view.id as string, view])),
  };
}

/**
 * An in-process copy of one reference table (categories, server groups,
 * roles), which nearly every request reads and few write. It is loaded on
 * first use and dropped on every change to the table (from this instance at
 * once, from others through ChangeBus), then loaded again: a reload
 * keeps the database's own order, which a patched copy would have to restate.
 * While changes from other instances may be missed (`trusted` false) there is
 * no copy: callers read the database.
 */
export class ReferenceCopy {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  /** Bumped on every drop, so a load that raced a change is not kept. */
  private generation = 0;
  /** Loads, for tests: the copy is read from memory, not reloaded per request. */
  loads = 0;

  constructor(
    resource: ReferenceTarget,
    private readonly mapping: ScopeMapping,
    private readonly changes: ChangeBus,
    private readonly load: () => Promise<ReferenceEntry[]>,
  ) {
    changes.subscribe((change) => {
      if (affects(change, resource)) this.drop();
    });
  }

  /** The page the caller may see, or undefined: read the database instead. */
  list(
    caller: Principal,
    page: PageQuery,
  ): MaybePromise<Page<RecordView>> | undefined {
    const current = this.current();
    return current && andThen(current, (s) => this.page(s, caller, page));
  }

  /** The record's view, null when there is none, or undefined: read the database. */
  get(id: string): MaybePromise<RecordView | null> | undefined {
    const current = this.current();
    return current && andThen(current, (s) => s.byId.get(id) ?? null);
  }

  private page(
    snapshot: Snapshot,
    caller: Principal,
    { offset, limit }: PageQuery,
  ): Page<RecordView> {
    const scoped =
      (this.mapping.category !== undefined && restrictsCategories(caller)) ||
      (this.mapping.groups !== undefined && restrictsGroups(caller));
    // The rule single records are checked by, as the SQL filter mirrors it.
    const visible = scoped
      ? snapshot.entries
          .filter((entry) => scopeDenial(caller, entry.scope) === null)
          .map((entry) => entry.view)
      : snapshot.views;
    return {
      items: visible.slice(offset, offset + limit),
      total: visible.length,
    };
  }

  private current(): MaybePromise<Snapshot> | undefined {
    if (!this.changes.trusted) {
      this.drop();
      return undefined;
    }
    return this.snapshot ?? this.loading ?? this.fill();
  }

  private fill(): Promise<Snapshot> {
    const generation = this.generation;
    this.loads++;
    const loading = this.load().then(
      (entries) => {
        const snapshot = snapshotOf(entries);
        if (generation === this.generation) {
          this.snapshot = snapshot;
          this.loading = undefined;
        }
        return snapshot;
      },
      (error: unknown) => {
        if (generation === this.generation) this.loading = undefined;
        throw error;
      },
    );
    this.loading = loading;
    return loading;
  }

  private drop(): void {
    this.generation++;
    this.snapshot = undefined;
    this.loading = undefined;
  }
}
