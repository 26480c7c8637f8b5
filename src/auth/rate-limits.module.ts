import { RedisModule } from '../redis/redis.module';
import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { KEY_THROTTLER } from '../rate-limits/key-bucket';
import {
  RATE_LIMIT_STORE,
  type RateLimitStore,
} from '../rate-limits/rate-limit.store';
import { KeyRateLimitGuard, keyLimitOf } from './key-rate-limit.guard';

/** The per-key max_per_sec guard on the store RedisModule chose (SPEC §7, §14). */
@Module({
  imports: [
    RedisModule,
    ThrottlerModule.forRootAsync({
      imports: [RedisModule],
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
