import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { KernelModule } from '../app/kernel.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../app/database.module';
import { MfaModule } from '../mfa/mfa.module';
import { referencesModule } from '../app/guarded-resources';
import { RedisModule } from '../redis/redis.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';

/**
 * The application's own modules, without HTTP and without AdminBootstrap:
 * the CLI changes the database only through the services the API uses, and
 * never creates an administrator. MfaModule ends a user's sign-ins waiting
 * for a second factor when reset-password gives it a new password.
 */
@Module({
  imports: [
    ConfigModule,
    KernelModule,
    DatabaseModule,
    AuditModule,
    referencesModule(),
    RedisModule,
    ApiKeysModule,
    SessionsModule,
    UsersModule,
    MfaModule,
  ],
})
export class CliModule {}
