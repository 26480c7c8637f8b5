import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Clock } from '../common/clock';
import { SlidingWindow } from './sliding-window';

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

/**
 * Where per-key hit logs live. One instance: in process. Several instances must
 * share one (a Redis sorted set per key, trimmed and counted in one Lua script);
 * bind that implementation to RATE_LIMIT_STORE and nothing else changes.
 */
export interface RateLimitStore extends ThrottlerStorage {
  /** Drops the state of a key (the key was deleted). */
  forget(key: string): Promise<void>;
}

const SWEEP_MS = 10_000;

@Injectable()
export class InMemoryRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private readonly window = new SlidingWindow();
  private longestTtl = 1000;
  private readonly sweeper = setInterval(
    () => this.window.sweep(this.longestTtl, this.clock.now()),
    SWEEP_MS,
  ).unref();

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
    return Promise.resolve({
      totalHits: state.count,
      timeToExpire: Math.ceil(state.msUntilOldestLeaves / 1000),
      isBlocked: !state.allowed,
      timeToBlockExpire: Math.ceil(state.msUntilAllowed / 1000),
    });
  }

  forget(key: string): Promise<void> {
    this.window.forget(key);
    return Promise.resolve();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
