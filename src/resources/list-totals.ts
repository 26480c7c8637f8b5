import type { Principal } from '../access/principal';
import {
  restrictsCategories,
  restrictsGroups,
  type ScopeMapping,
} from '../access/scope';
import type { ChangeBus } from '../bus/change-bus';

/** What decides the filter of applyScopeFilter for this caller: its restricted dimensions. */
export function scopeKey(mapping: ScopeMapping, caller: Principal): string {
  const categories =
    mapping.category !== undefined && restrictsCategories(caller)
      ? [...caller.categories].sort()
      : null;
  const groups =
    mapping.groups !== undefined && restrictsGroups(caller)
      ? [...caller.groups].sort()
      : null;
  return JSON.stringify([categories, groups]);
}

/**
 * Answers about one table's lists (totals, pages) by what they depend on: the
 * caller's scope, and for a page its bounds. A list only changes when its
 * table does, so everything is dropped on every change to it (this
 * instance's at once, others' through ChangeBus) and nothing is used
 * while changes may be missed. `budget` bounds the total weight kept; past
 * it everything is cleared rather than evicted in order (reaching it means
 * many distinct scopes or pages between two writes: unusual).
 */
export class ListMemory<V> {
  private readonly entries = new Map<string, V>();
  private weight = 0;
  /** Bumped on every drop, so an answer that raced a change is not kept. */
  private generation = 0;

  constructor(
    resource: string,
    private readonly changes: ChangeBus,
    private readonly budget: number,
    private readonly weigh: (value: V) => number = () => 1,
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

  /** The known answer, or undefined (also while changes may be missed). */
  get(key: string): V | undefined {
    if (!this.changes.trusted) {
      this.drop();
      return undefined;
    }
    return this.entries.get(key);
  }

  /** A generation to hand back to `remember` once the answer is read. */
  get current(): number {
    return this.generation;
  }

  remember(key: string, generation: number, value: V): void {
    if (generation !== this.generation || !this.changes.trusted) return;
    const weight = this.weigh(value);
    if (weight > this.budget) return;
    if (this.weight + weight > this.budget) {
      this.entries.clear();
      this.weight = 0;
    }
    this.entries.set(key, value);
    this.weight += weight;
  }

  private drop(): void {
    this.generation++;
    this.entries.clear();
    this.weight = 0;
  }
}
