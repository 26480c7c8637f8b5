import { RedisModule } from '../redis/redis.module';
import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ApiDescriptionController } from './api-description.controller';
import { AuthFailures } from './auth-failures';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { MeController } from './me.controller';
import { PrivilegesGuard } from './privileges.guard';
import { RouteTable } from './route-table';
import { ScopeGuard } from './scope.guard';
import { StepUpGuard } from './step-up.guard';
import { MfaModule } from '../mfa/mfa.module';

@Module({
  imports: [RedisModule, ApiKeysModule, SessionsModule, MfaModule],
  controllers: [MeController, ApiDescriptionController],
  providers: [
    AuthFailures,
    AuthService,
    AuthGuard,
    PrivilegesGuard,
    ScopeGuard,
    StepUpGuard,
    RouteTable,
  ],
  exports: [
    AuthService,
    AuthGuard,
    PrivilegesGuard,
    ScopeGuard,
    StepUpGuard,
    RouteTable,
  ],
})
export class AuthModule {}
