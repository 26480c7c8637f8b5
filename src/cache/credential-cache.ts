import { BoundedCache } from './bounded-cache';
import type { MaybePromise } from '../concurrency/maybe-promise';

/** Refuses (rejects or throws) a credential that may not be looked up now; it gets the digest. */
export type Gate = (digest: string) => MaybePromise<void>;

const open: Gate = () => undefined;

export interface CredentialCacheOptions {
  maxSize: number;
  ttlMs: number;
  negativeTtlMs: number;
}

/**
 * Digest → verified record, plus short-lived "unknown" entries, both bounded:
 * a flood of random credentials evicts old unknown entries and nothing else.
 */
export class CredentialCache<T> {
  private readonly known: BoundedCache<T>;
  private readonly unknown: BoundedCache<true>;
  /** Bumped on every invalidation, so a lookup that raced a change is not cached. */
  private generation = 0;
  /** Lookups, and those answered from memory (either list): for the hit-ratio metric. */
  readonly stats = { lookups: 0, hits: 0 };

  /**
   * `trusted` false: changes made elsewhere may be missed (the shared channel is
   * down), so nothing is read from or put in memory.
   */
  constructor(
    private readonly options: CredentialCacheOptions,
    private readonly trusted: () => boolean = () => true,
  ) {
    this.known = new BoundedCache(options.maxSize);
    this.unknown = new BoundedCache(options.maxSize);
  }

  /**
   * The record (or null for unknown) from memory when cached, else from
   * `load`. Anything but a verified record passes `gate(digest)` first
   * (which may refuse): the failed-authentication limit never stops a
   * credential verified here, and the gate knows the others that are live.
   */
  lookup(
    digest: string,
    now: number,
    load: () => Promise<T | null>,
    gate: Gate = open,
  ): MaybePromise<T | null> {
    this.stats.lookups++;
    if (!this.trusted()) {
      const gated = gate(digest);
      return gated instanceof Promise ? gated.then(load) : load();
    }
    const cached = this.known.get(digest, now);
    if (cached !== undefined) {
      this.stats.hits++;
      return cached;
    }
    const gated = gate(digest);
    return gated instanceof Promise
      ? gated.then(() => this.miss(digest, now, load))
      : this.miss(digest, now, load);
  }

  private miss(
    digest: string,
    now: number,
    load: () => Promise<T | null>,
  ): MaybePromise<T | null> {
    if (this.unknown.get(digest, now)) {
      this.stats.hits++;
      return null;
    }
    return this.fill(digest, now, load);
  }

  private async fill(
    digest: string,
    now: number,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const generation = this.generation;
    const found = await load();
    if (generation === this.generation && this.trusted()) {
      if (found === null) {
        this.unknown.set(digest, true, now, this.options.negativeTtlMs);
      } else {
        this.known.set(digest, found, now, this.options.ttlMs);
      }
    }
    return found;
  }

  /** Drops the records that match, and the given digests from the unknown list. */
  invalidate(matches: (record: T) => boolean, newDigests: string[] = []): void {
    this.generation++;
    this.known.deleteWhere(matches);
    for (const digest of newDigests) this.unknown.delete(digest);
  }

  /** Forgets everything (changes may have been missed). */
  clear(): void {
    this.generation++;
    this.known.clear();
    this.unknown.clear();
  }

  delete(digest: string): void {
    this.generation++;
    this.known.delete(digest);
  }

  get sizes(): { known: number; unknown: number } {
    return { known: this.known.size, unknown: this.unknown.size };
  }
}
