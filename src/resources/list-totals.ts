import type { Principal } from '../auth/principal';
import {
  restrictsCategories,
  restrictsGroups,
  type ScopeMapping,
} from '../auth/scope';
import type { CredentialChanges } from '../common/credential-changes';

/**
 * Distinct scopes seen between two changes; past this many the list is
 * cleared rather than evicted in order: scopes are few (one per kind of
 * caller), so reaching it at all means something unusual is going on.
 */
const MAX_SCOPES = 1000;

/**
 * The totals of one table's lists, by the scope that filters them. Counting
 * is what a large list costs most (every visible row of an index, 90,000 for
 * a category of 100,000 events, against 100 for the page), and a total only
 * changes when the table does: it is dropped on every change to it (this
 * instance's at once, others' through CredentialChanges) and not used while
 * changes may be missed.
 */
export class ListTotals {
  private readonly totals = new Map<string, number>();
  /** Bumped on every drop, so a count that raced a change is not kept. */
  private generation = 0;

  constructor(
    resource: string,
    private readonly mapping: ScopeMapping,
    private readonly changes: CredentialChanges,
  ) {
    changes.subscribe((change) => {
      if (
        change.kind === 'all' ||
        (change.kind === 'records' && change.resource === resource)
      ) {
        this.drop();
      }
    });
  }

  /** What decides the filter of applyScopeFilter for this caller: its restricted dimensions. */
  scopeKey(caller: Principal): string {
    const categories =
      this.mapping.category !== undefined && restrictsCategories(caller)
        ? [...caller.categories].sort()
        : null;
    const groups =
      this.mapping.groups !== undefined && restrictsGroups(caller)
        ? [...caller.groups].sort()
        : null;
    return JSON.stringify([categories, groups]);
  }

  /** The known total, or undefined (also while changes may be missed). */
  get(key: string): number | undefined {
    if (!this.changes.trusted) {
      this.drop();
      return undefined;
    }
    return this.totals.get(key);
  }

  /** A generation to hand back to `remember` once the count is read. */
  get current(): number {
    return this.generation;
  }

  remember(key: string, generation: number, total: number): void {
    if (generation !== this.generation || !this.changes.trusted) return;
    if (this.totals.size >= MAX_SCOPES) this.totals.clear();
    this.totals.set(key, total);
  }

  private drop(): void {
    this.generation++;
    this.totals.clear();
  }
}
