import { Module } from '@nestjs/common';
import { ChangeBus } from '../bus/change-bus';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  InMemoryRateLimitStore,
  RATE_LIMIT_STORE,
  type RateLimitStore,
} from '../rate-limits/rate-limit.store';
import { Clock } from '../time/clock';
import { RedisLink } from './redis-link';
import { RedisRateLimitStore } from './redis-rate-limit.store';

/** The Redis connection when REDIS_URL is set; `null` (one instance, nothing shared) otherwise. */
export const REDIS = Symbol('REDIS');

/**
 * What several instances share, chosen here where Redis lives: the
 * connection (which also carries the change bus) and the rate-limit store
 * (Redis's when configured, else this process's own).
 */
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG, ChangeBus],
      useFactory: (config: AppConfig, bus: ChangeBus) =>
        config.redisUrl === undefined
          ? null
          : new RedisLink(config.redisUrl, bus),
    },
    {
      provide: RATE_LIMIT_STORE,
      inject: [Clock, REDIS],
      useFactory: (clock: Clock, redis: RedisLink | null): RateLimitStore => {
        const local = new InMemoryRateLimitStore(clock);
        return redis ? new RedisRateLimitStore(redis, local) : local;
      },
    },
  ],
  exports: [REDIS, RATE_LIMIT_STORE],
})
export class RedisModule {}
