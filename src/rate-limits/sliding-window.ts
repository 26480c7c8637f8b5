interface Log {
  /** Hit times in ascending order; entries before `head` have left the window. */
  times: number[];
  head: number;
}

export interface WindowState {
  /** Hits inside the window, after this call. */
  count: number;
  /** Milliseconds until one more hit fits under `limit` (0: it fits now). */
  msUntilAllowed: number;
  /** Milliseconds until the oldest hit in the window leaves it (0: the window is empty). */
  msUntilOldestLeaves: number;
}

/**
 * An exact sliding-window log: a hit at time t occupies every window that holds t,
 * so no interval of `windowMs` ever holds more than `limit` recorded hits. Unlike
 * a fixed window, it cannot let 2×limit through across a boundary.
 */
export class SlidingWindow {
  private readonly logs = new Map<string, Log>();

  /**
   * `maxKeys` bounds memory under a flood of distinct keys (client IPs): a new
   * key beyond it evicts the key created first.
   */
  constructor(private readonly maxKeys = Infinity) {}

  /** Records a hit only when the window has room: refused hits take no allowance. */
  tryHit(
    key: string,
    limit: number,
    windowMs: number,
    now: number,
  ): WindowState & { allowed: boolean } {
    const log = this.prune(key, windowMs, now);
    const allowed = log.times.length - log.head < limit;
    if (allowed) log.times.push(now);
    return { allowed, ...this.stateOf(log, limit, windowMs, now) };
  }

  /** Records a hit unconditionally (a failed login). */
  hit(key: string, limit: number, windowMs: number, now: number): WindowState {
    const log = this.prune(key, windowMs, now);
    log.times.push(now);
    return this.stateOf(log, limit, windowMs, now);
  }

  peek(key: string, limit: number, windowMs: number, now: number): WindowState {
    const log = this.logs.get(key);
    if (!log) return { count: 0, msUntilAllowed: 0, msUntilOldestLeaves: 0 };
    return this.stateOf(this.prune(key, windowMs, now), limit, windowMs, now);
  }

  forget(key: string): void {
    this.logs.delete(key);
  }

  /** Drops logs whose every hit is older than `windowMs`: memory follows activity. */
  sweep(windowMs: number, now: number): void {
    for (const [key, log] of this.logs) {
      const newest = log.times[log.times.length - 1];
      if (newest === undefined || newest <= now - windowMs)
        this.logs.delete(key);
    }
  }

  get size(): number {
    return this.logs.size;
  }

  private prune(key: string, windowMs: number, now: number): Log {
    let log = this.logs.get(key);
    if (!log) {
      if (this.logs.size >= this.maxKeys) {
        this.logs.delete(this.logs.keys().next().value as string);
      }
      log = { times: [], head: 0 };
      this.logs.set(key, log);
    }
    const cutoff = now - windowMs;
    while (log.head < log.times.length && log.times[log.head] <= cutoff) {
      log.head++;
    }
    if (log.head > 64 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    return log;
  }

  private stateOf(
    log: Log,
    limit: number,
    windowMs: number,
    now: number,
  ): WindowState {
    const count = log.times.length - log.head;
    const leaves = (index: number) =>
      Math.max(0, log.times[index] + windowMs - now);
    return {
      count,
      // With a lowered limit the window may hold more than `limit` hits.
      msUntilAllowed: count < limit ? 0 : leaves(log.head + count - limit),
      msUntilOldestLeaves: count === 0 ? 0 : leaves(log.head),
    };
  }
}
