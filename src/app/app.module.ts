import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { AuthGuard } from '../auth/auth.guard';
import { AuthModule } from '../auth/auth.module';
import { AccessGuard } from '../auth/access.guard';
import { KernelModule } from './kernel.module';
import { ProblemFilter } from '../http/problem.filter';
import { AppValidationPipe } from '../validation/validation';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from './database.module';
import { HealthModule } from '../health/health.module';
import { MfaModule } from '../mfa/mfa.module';
import { MetricsModule } from '../observability/metrics.module';
import { OpenApiModule } from '../openapi/openapi.module';
import { RedisModule } from '../redis/redis.module';
import { referencesModule } from './guarded-resources';
import { ResourcesModule } from './resources.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SsoModule } from '../sso/sso.module';
import { AdminBootstrap } from '../users/admin-bootstrap';
import { UsersModule } from '../users/users.module';
import { consoleModules } from '../web/console-static';

@Module({
  imports: [
    ConfigModule,
    KernelModule,
    DatabaseModule,
    // REDIS_URL: the connection that shares limits and changes (SPEC §14).
    RedisModule,
    // First of the controllers: Express tries each route's pattern in the
    // order registered, and the probes' routes are the most called; after
    // the others they walked some sixty patterns on every probe.
    HealthModule,
    AuditModule,
    AuthModule,
    ApiKeysModule,
    SessionsModule,
    UsersModule,
    MfaModule,
    SsoModule,
    referencesModule(),
    ResourcesModule,
    MetricsModule,
    // The console's static files: mounted at module init, after the API routes.
    ...consoleModules(),
    OpenApiModule,
  ],
  providers: [
    // The server creates the first admin; the CLI (cli.module.ts) never does.
    AdminBootstrap,
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_PIPE, useClass: AppValidationPipe },
    // Guards run in the order listed here:
    // 1. who is calling (request-auth.ts; 401s; strips credentials from body and query)
    { provide: APP_GUARD, useExisting: AuthGuard },
    // 2. the one decision function (src/auth/access-decision.ts), in SPEC
    //    §19's order: the key's max_per_sec (429 rate_limited), the route's
    //    @RequirePrivileges (403 missing_privilege), category / server-group
    //    scope of the record and body (403 scope_denied), then step-up and
    //    MFA_REQUIRED for sessions (403 step_up_required). Explain runs it dry.
    { provide: APP_GUARD, useExisting: AccessGuard },
  ],
})
export class AppModule {}
