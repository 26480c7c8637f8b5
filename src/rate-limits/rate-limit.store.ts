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
 * failed logins). `count` only: a counter never refuses by itself, its user
 * compares the count with its limit.
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

/** Most client IPs whose failures are remembered: a flood from many IPs cannot exhaust memory. */
export const MAX_COUNTED_KEYS = 50_000;

const SWEEP_MS = 10_000;

@Injectable()
export class InMemoryRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private readonly window = new SlidingWindow();
  /** Per client IP, many: compact rows of buckets rather than a log of hit times. */
  private readonly failures = new BucketedWindow(MAX_COUNTED_KEYS);
  private longestTtl = 1000;
  private longestFailureWindow = 1000;
  private readonly sweeper = setInterval(() => {
    const now = this.clock.now();
    this.window.sweep(this.longestTtl, now);
    this.failures.sweep(this.longestFailureWindow, now);
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
    return this.failures.peek(key, limit, windowMs, this.clock.now());
  }

  record(key: string, limit: number, windowMs: number): WindowState {
    this.longestFailureWindow = Math.max(this.longestFailureWindow, windowMs);
    return this.failures.hit(key, limit, windowMs, this.clock.now());
  }

  forget(key: string): Promise<void> {
    this.window.forget(key);
    this.failures.forget(key);
    return Promise.resolve();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
