import { OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  InMemoryRateLimitStore,
  rateRecord,
  type RateLimitStore,
} from '../rate-limits/rate-limit.store';
import type { WindowState } from '../rate-limits/sliding-window';
import type { RedisLink } from './redis-link';

type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

const PREFIX = 'opsgate:rl:';

/** ioredis's error for a command unanswered within commandTimeout. */
const isTimeout = (error: unknown) =>
  error instanceof Error && error.message === 'Command timed out';

/**
 * The exact sliding-window log of sliding-window.ts, as one atomic script on
 * a sorted set (score: the hit's time), so check-and-record cannot interleave
 * across instances. Time is Redis's own clock: instances whose clocks differ
 * still share one window. Modes: "try" records only when under the limit,
 * "hit" always records, "peek" records nothing. Returns
 * {allowed, count, msUntilAllowed, msUntilOldestLeaves}.
 * (Hand-written: @nest-lab/throttler-storage-redis is a fixed window and
 * overshoots the limit.)
 */
const WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local mode = ARGV[3]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if mode == 'hit' or (mode == 'try' and count < limit) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  allowed = 1
end
local function leaves(index)
  local entry = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
  if entry[2] == nil then return 0 end
  return math.max(0, tonumber(entry[2]) + window - now)
end
local untilAllowed = 0
if count >= limit and limit > 0 then untilAllowed = leaves(count - limit) end
local untilOldest = 0
if count > 0 then untilOldest = leaves(0) end
return {allowed, count, untilAllowed, untilOldest}
`;

type Mode = 'try' | 'hit' | 'peek';
type ScriptResult = [number, number, number, number];

interface WindowCommands {
  opsgateWindow(
    key: string,
    windowMs: number,
    limit: number,
    mode: Mode,
    member: string,
  ): Promise<ScriptResult>;
}

/**
 * RATE_LIMIT_STORE shared through Redis (SPEC §14). While Redis cannot answer
 * (down, or slower than the command timeout), every call is answered by this
 * instance's own store instead: limits then hold per instance, and no request
 * waits for Redis.
 */
export class RedisRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private readonly redis: Redis & WindowCommands;
  /** Unique members for hits within one millisecond. */
  private readonly prefix = randomBytes(6).toString('hex');
  private sequence = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly local: InMemoryRateLimitStore,
  ) {
    this.redis = link.commands as Redis & WindowCommands;
    if (!('opsgateWindow' in this.redis)) {
      link.commands.defineCommand('opsgateWindow', {
        numberOfKeys: 1,
        lua: WINDOW_SCRIPT,
      });
    }
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<ThrottlerStorageRecord> {
    const shared = await this.run(key, ttl, limit, 'try');
    if (!shared) return this.local.increment(key, ttl, limit);
    return rateRecord(this.state(shared), shared[0] === 0);
  }

  async peek(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<ThrottlerStorageRecord> {
    const shared = await this.run(key, ttl, limit, 'peek');
    if (!shared) return this.local.peek(key, ttl, limit);
    return rateRecord(this.state(shared), shared[1] >= limit);
  }

  async count(
    key: string,
    limit: number,
    windowMs: number,
  ): Promise<WindowState> {
    const shared = await this.run(key, windowMs, limit, 'peek');
    if (!shared) return this.local.count(key, limit, windowMs);
    return this.state(shared);
  }

  async record(
    key: string,
    limit: number,
    windowMs: number,
  ): Promise<WindowState> {
    const shared = await this.run(key, windowMs, limit, 'hit');
    if (!shared) return this.local.record(key, limit, windowMs);
    return this.state(shared);
  }

  async forget(key: string): Promise<void> {
    await this.local.forget(key);
    if (this.link.ready) await this.redis.del(PREFIX + key).catch(() => 0);
  }

  onModuleDestroy(): void {
    this.local.onModuleDestroy();
  }

  private state([
    ,
    count,
    msUntilAllowed,
    msUntilOldestLeaves,
  ]: ScriptResult): WindowState {
    return { count, msUntilAllowed, msUntilOldestLeaves };
  }

  /** The script's answer, or null when Redis cannot give one now. */
  private async run(
    key: string,
    windowMs: number,
    limit: number,
    mode: Mode,
  ): Promise<ScriptResult | null> {
    if (!this.link.ready) return null;
    const member = `${this.prefix}:${++this.sequence}`;
    try {
      return await this.redis.opsgateWindow(
        PREFIX + key,
        windowMs,
        limit,
        mode,
        member,
      );
    } catch (error) {
      if (isTimeout(error)) this.link.stalled();
      return null;
    }
  }
}
