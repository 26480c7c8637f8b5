import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';

/**
 * The application's own modules, without HTTP and without AdminBootstrap:
 * the CLI changes the database only through the services the API uses, and
 * never creates an administrator.
 */
@Module({
  imports: [
    ConfigModule,
    CommonModule,
    DatabaseModule,
    AuditModule,
    RateLimitsModule,
    ApiKeysModule,
    SessionsModule,
    UsersModule,
  ],
})
export class CliModule {}
