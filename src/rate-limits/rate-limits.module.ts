import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { Clock } from '../common/clock';
import { REDIS, RedisModule } from '../redis/redis.module';
import type { RedisLink } from '../redis/redis-link';
import { RedisRateLimitStore } from '../redis/redis-rate-limit.store';
import {
  KEY_THROTTLER,
  KeyRateLimitGuard,
  keyLimitOf,
} from './key-rate-limit.guard';
import {
  InMemoryRateLimitStore,
  RATE_LIMIT_STORE,
  RateLimitStore,
} from './rate-limit.store';

@Global()
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: RATE_LIMIT_STORE,
      inject: [Clock, REDIS],
      useFactory: (clock: Clock, redis: RedisLink | null): RateLimitStore => {
        const local = new InMemoryRateLimitStore(clock);
        return redis ? new RedisRateLimitStore(redis, local) : local;
      },
    },
  ],
  exports: [RATE_LIMIT_STORE],
})
export class RateLimitStoreModule {}

@Module({
  imports: [
    RateLimitStoreModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStoreModule],
      inject: [RATE_LIMIT_STORE],
      useFactory: (storage: RateLimitStore) => ({
        throttlers: [{ name: KEY_THROTTLER, ttl: 1000, limit: keyLimitOf }],
        storage,
      }),
    }),
  ],
  providers: [KeyRateLimitGuard],
  exports: [KeyRateLimitGuard],
})
export class RateLimitsModule {}
