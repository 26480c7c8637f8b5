import { Global, Module } from '@nestjs/common';
import { CredentialChanges } from '../common/credential-changes';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RedisLink } from './redis-link';

/** The Redis connection when REDIS_URL is set; `null` (one instance, nothing shared) otherwise. */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG, CredentialChanges],
      useFactory: (config: AppConfig, changes: CredentialChanges) =>
        config.redisUrl === undefined
          ? null
          : new RedisLink(config.redisUrl, changes),
    },
  ],
  exports: [REDIS],
})
export class RedisModule {}
