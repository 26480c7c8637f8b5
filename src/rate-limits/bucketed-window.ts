import type { WindowState } from './sliding-window';

/** Buckets per window: a hit leaves the window up to 1/30 of it (2 s of a minute) early. */
const BUCKETS = 30;
/** Rows per slab (1024): the memory grows with the keys counted, a slab at a time. */
const SLAB_SHIFT = 10;
const ROWS_PER_SLAB = 1 << SLAB_SHIFT;
const ROW_MASK = ROWS_PER_SLAB - 1;
/** A bucket's count stops here rather than wrap (65,535 hits in 1/30 of a window). */
const MAX_COUNT = 0xffff;

/**
 * The key as one flat string of its own. A key built by concatenation
 * (`auth-ip:${ip}`) is a tree of string pieces that V8 keeps alive beside
 * the flat copy it makes for hashing: about 100 bytes more per key kept.
 * Once per new key.
 */
const flat = (key: string): string => Buffer.from(key, 'utf8').toString('utf8');

/**
 * Sliding-window hit counts per key, for the many keys of failure counters
 * (a client IP each): the window is cut into 30 buckets, each a 16-bit
 * count, and every key's buckets are one row of shared typed arrays, so a
 * key costs 68 bytes of row plus its map entry and name: some 135 bytes for
 * an IPv4 client in all (a log of hit times per key, the exact
 * SlidingWindow, costs ~300 live and far more in garbage under a flood). A
 * hit counts from its instant to the end of its bucket's window: it leaves
 * between 29/30 and 30/30 of the window after it (58-60 s of a minute),
 * never later than the exact log would let it. Hand-written: no library
 * keeps per-key sliding counts in typed arrays.
 */
export class BucketedWindow {
  /** Key → row. Map order is insertion order: the first key inserted goes first. */
  private readonly rows = new Map<string, number>();
  private readonly freeRows: number[] = [];
  private readonly counts: Uint16Array[] = [];
  /** The newest hit of each row, epoch ms. */
  private readonly newest: Float64Array[] = [];
  private allocated = 0;

  /** `maxKeys` bounds memory under a flood of distinct keys: a new key beyond it evicts the oldest. */
  constructor(private readonly maxKeys = Infinity) {}

  /** Records a hit unconditionally; answers the state after it. */
  hit(key: string, limit: number, windowMs: number, now: number): WindowState {
    let row = this.rows.get(key);
    if (row === undefined) row = this.newRow(key);
    const width = windowMs / BUCKETS;
    const bucket = Math.floor(now / width);
    this.advance(row, bucket, width, now);
    const counts = this.counts[row >> SLAB_SHIFT];
    const at = (row & ROW_MASK) * BUCKETS + (bucket % BUCKETS);
    if (counts[at] < MAX_COUNT) counts[at]++;
    return this.stateOf(row, limit, width, now);
  }

  peek(key: string, limit: number, windowMs: number, now: number): WindowState {
    const row = this.rows.get(key);
    if (row === undefined) {
      return { count: 0, msUntilAllowed: 0, msUntilOldestLeaves: 0 };
    }
    return this.stateOf(row, limit, windowMs / BUCKETS, now);
  }

  forget(key: string): void {
    const row = this.rows.get(key);
    if (row === undefined) return;
    this.rows.delete(key);
    this.freeRows.push(row);
  }

  /** Drops keys whose every hit is older than `windowMs`: memory follows activity. */
  sweep(windowMs: number, now: number): void {
    for (const [key, row] of this.rows) {
      if (this.newestOf(row) <= now - windowMs) this.forget(key);
    }
  }

  get size(): number {
    return this.rows.size;
  }

  private newRow(key: string): number {
    if (this.rows.size >= this.maxKeys) {
      this.forget(this.rows.keys().next().value as string);
    }
    let row = this.freeRows.pop();
    if (row === undefined) {
      row = this.allocated++;
      if ((row & ROW_MASK) === 0) {
        this.counts.push(new Uint16Array(ROWS_PER_SLAB * BUCKETS));
        this.newest.push(new Float64Array(ROWS_PER_SLAB));
      }
    } else {
      const start = (row & ROW_MASK) * BUCKETS;
      this.counts[row >> SLAB_SHIFT].fill(0, start, start + BUCKETS);
    }
    this.newest[row >> SLAB_SHIFT][row & ROW_MASK] = -Infinity;
    this.rows.set(flat(key), row);
    return row;
  }

  private newestOf(row: number): number {
    return this.newest[row >> SLAB_SHIFT][row & ROW_MASK];
  }

  /** Empties the buckets that left the window since the row's newest hit. */
  private advance(row: number, bucket: number, width: number, now: number) {
    const newest = this.newestOf(row);
    if (now <= newest) return;
    const head = Math.floor(newest / width);
    const counts = this.counts[row >> SLAB_SHIFT];
    const start = (row & ROW_MASK) * BUCKETS;
    if (!(bucket - head < BUCKETS)) {
      counts.fill(0, start, start + BUCKETS);
    } else {
      for (let b = head + 1; b <= bucket; b++)
        counts[start + (b % BUCKETS)] = 0;
    }
    this.newest[row >> SLAB_SHIFT][row & ROW_MASK] = now;
  }

  /** Count, and when the hits that matter leave, from the oldest bucket in the window up. */
  private stateOf(
    row: number,
    limit: number,
    width: number,
    now: number,
  ): WindowState {
    const counts = this.counts[row >> SLAB_SHIFT];
    const start = (row & ROW_MASK) * BUCKETS;
    const head = Math.floor(this.newestOf(row) / width);
    const first = Math.max(head, Math.floor(now / width)) - BUCKETS + 1;
    let count = 0;
    for (let b = first; b <= head; b++) count += counts[start + (b % BUCKETS)];
    if (count === 0) {
      return { count, msUntilAllowed: 0, msUntilOldestLeaves: 0 };
    }
    // The hits that must leave before one more fits (none while there is room;
    // with a lowered limit the window may hold more than `limit`).
    const mustLeave = count - limit + 1;
    let oldest = -1;
    let freeing = -1;
    let left = 0;
    for (let b = first; b <= head && freeing < 0; b++) {
      const n = counts[start + (b % BUCKETS)];
      if (n === 0) continue;
      if (oldest < 0) oldest = b;
      left += n;
      if (left >= mustLeave) freeing = b;
    }
    const leaves = (b: number) => Math.max(0, (b + BUCKETS) * width - now);
    return {
      count,
      msUntilAllowed: count < limit ? 0 : leaves(freeing),
      msUntilOldestLeaves: leaves(oldest),
    };
  }
}
