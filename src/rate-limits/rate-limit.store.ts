import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Clock } from '../time/clock';
import type { MaybePromise } from '../concurrency/maybe-promise';
import { BucketedWindow } from './bucketed-window';
import { SlidingWindow, type WindowState } from './sliding-window';

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

/**
 * Sliding-window counters of failures (per client IP: refused credentials,
 * failed logins; per user: wrong second factors). `count` only: a counter
 * never refuses by itself, its user compares the count with its limit.
 * Keys are `<space>:<id>` (`auth-ip:10.0.0.1`, `mfa-user:42`): in process,
 * each space is bounded on its own, so a flood of one kind of key (client
 * addresses are cheap) never pushes out the counts of another.
 */
export interface FailureCounters {
  /** Hits of `key` in the last `windowMs`, and how long until fewer than `limit` remain. */
  count(
    key: string,
    limit: number,
    windowMs: number,
  ): MaybePromise<WindowState>;
  /** Records one hit of `key` now; answers as `count` would right after it. */
  record(
    key: string,
    limit: number,
    windowMs: number,
  ): MaybePromise<WindowState>;
}

/**
 * Where hit logs live: per-key `max_per_sec` (the throttler's storage), login
 * lockout's per-IP failures and the failed-authentication counter. One
 * instance: in process. Several instances must share one (a Redis sorted set
 * per key, trimmed and counted in one Lua script); bind that implementation to
 * RATE_LIMIT_STORE and nothing else changes.
 */
export interface RateLimitStore extends ThrottlerStorage, FailureCounters {
  /**
   * What `increment` would answer now, recording nothing (a dry run: POST
   * /api/auth/explain). `isBlocked`: the next hit would be refused.
   */
  peek(key: string, ttl: number, limit: number): MaybePromise<RateRecord>;
  /** Drops the state of a key (the key was deleted; a login succeeded). */
  forget(key: string): Promise<void>;
}

export type RateRecord = ThrottlerStorageRecord;

/** The throttler's record for a window's state: whole seconds, at least 1 while blocked. */
export function rateRecord(
  state: WindowState,
  blocked: boolean,
): ThrottlerStorageRecord {
  return {
    totalHits: state.count,
    timeToExpire: Math.ceil(state.msUntilOldestLeaves / 1000),
    isBlocked: blocked,
    timeToBlockExpire: Math.ceil(state.msUntilAllowed / 1000),
  };
}

/** Most keys remembered per failure space (client IPs…): a flood from many IPs cannot exhaust memory. */
export const MAX_COUNTED_KEYS = 50_000;

const SWEEP_MS = 10_000;

/** The failure counts of one key space, swept by its own longest window. */
interface FailureSpace {
  counts: BucketedWindow;
  longestWindow: number;
}

/** The space of a failure key: its text before the first `:`. */
const spaceOf = (key: string): string => {
  const colon = key.indexOf(':');
  return colon < 0 ? '' : key.slice(0, colon);
};

@Injectable()
export class InMemoryRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private readonly window = new SlidingWindow();
  /**
   * Per key space (a handful, named in code): per client IP there are
   * many, so compact rows of buckets rather than a log of hit times. A
   * space evicts only its own oldest key: a per-user count (100 wrong
   * second factors an hour) once shared the 50,000 places with every
   * spoofable client address, and a flood of them pushed it out.
   */
  private readonly failures = new Map<string, FailureSpace>();
  private longestTtl = 1000;
  private readonly sweeper = setInterval(() => {
    const now = this.clock.now();
    this.window.sweep(this.longestTtl, now);
    for (const space of this.failures.values()) {
      space.counts.sweep(space.longestWindow, now);
    }
  }, SWEEP_MS).unref();

  constructor(private readonly clock: Clock) {}

  /**
   * Synchronous inside, so check-and-record is atomic however many requests
   * arrive at once: of 50 concurrent requests on a limit of 10, exactly 10 pass.
   */
  increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration?: number,
    _throttlerName?: string,
  ): Promise<ThrottlerStorageRecord> {
    this.longestTtl = Math.max(this.longestTtl, ttl);
    const state = this.window.tryHit(key, limit, ttl, this.clock.now());
    return Promise.resolve(rateRecord(state, !state.allowed));
  }

  peek(key: string, ttl: number, limit: number): ThrottlerStorageRecord {
    const state = this.window.peek(key, limit, ttl, this.clock.now());
    return rateRecord(state, state.count >= limit);
  }

  count(key: string, limit: number, windowMs: number): WindowState {
    const counts = this.failures.get(spaceOf(key))?.counts;
    const now = this.clock.now();
    return counts
      ? counts.peek(key, limit, windowMs, now)
      : { count: 0, msUntilAllowed: 0, msUntilOldestLeaves: 0 };
  }

  record(key: string, limit: number, windowMs: number): WindowState {
    const space = this.space(spaceOf(key));
    space.longestWindow = Math.max(space.longestWindow, windowMs);
    return space.counts.hit(key, limit, windowMs, this.clock.now());
  }

  forget(key: string): Promise<void> {
    this.window.forget(key);
    this.failures.get(spaceOf(key))?.counts.forget(key);
    return Promise.resolve();
  }

  /** Keys remembered in a failure space (tests, and the bench's memory figures). */
  countedKeys(space: string): number {
    return this.failures.get(space)?.counts.size ?? 0;
  }

  private space(name: string): FailureSpace {
    let space = this.failures.get(name);
    if (!space) {
      space = {
        counts: new BucketedWindow(MAX_COUNTED_KEYS),
        longestWindow: 1000,
      };
      this.failures.set(name, space);
    }
    return space;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
