import { RedisModule } from '../redis/redis.module';
import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ApiDescriptionController } from './api-description.controller';
import { AuthFailures } from './auth-failures';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { ExplainController } from './explain.controller';
import { ExplainService } from './explain.service';
import { KeyUsageObserver } from './key-usage.observer';
import { LiveCredentials } from './live-credentials';
import { MeController } from './me.controller';
import { RouteMatcher } from './route-matcher';
import { AccessDecision } from './access-decision';
import { AccessGuard } from './access.guard';
import { IpCheck } from './checks/ip.check';
import { PrivilegesCheck } from './checks/privileges.check';
import { RateLimitCheck } from './checks/rate-limit.check';
import { ScopeCheck } from './checks/scope.check';
import { RouteFactsOf } from './route-facts';
import { RouteTable } from './route-table';
import { StepUpCheck } from './checks/step-up.check';
import { MfaModule } from '../mfa/mfa.module';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [RedisModule, AuditModule, ApiKeysModule, SessionsModule, MfaModule],
  controllers: [MeController, ApiDescriptionController, ExplainController],
  providers: [
    AuthFailures,
    LiveCredentials,
    AuthService,
    AuthGuard,
    IpCheck,
    RateLimitCheck,
    PrivilegesCheck,
    ScopeCheck,
    AccessDecision,
    AccessGuard,
    RouteFactsOf,
    StepUpCheck,
    RouteMatcher,
    ExplainService,
    RouteTable,
    KeyUsageObserver,
  ],
  exports: [
    LiveCredentials,
    AuthService,
    AuthGuard,
    AccessDecision,
    AccessGuard,
    RouteTable,
    KeyUsageObserver,
  ],
})
export class AuthModule {}
