import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
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
  providers: [{ provide: RATE_LIMIT_STORE, useClass: InMemoryRateLimitStore }],
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
