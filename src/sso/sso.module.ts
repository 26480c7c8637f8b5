import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ClientFailures } from '../rate-limits/client-failures';
import { RedisModule } from '../redis/redis.module';
import { SessionsModule } from '../sessions/sessions.module';
import { HeaderSignIn } from './header-sign-in';
import { OidcClient } from './oidc-client';
import { OidcSignIn } from './oidc-sign-in';
import { SsoAccounts } from './sso-accounts';
import { SsoLogins } from './sso-logins';
import { SsoSpentState } from './sso-spent-state.entity';
import { SsoSignIn } from './sso-sign-in';
import { SsoController } from './sso.controller';
import { SsoService } from './sso.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SsoSpentState]),
    AuditModule,
    RedisModule,
    SessionsModule,
  ],
  controllers: [SsoController],
  providers: [
    SsoService,
    SsoSignIn,
    OidcSignIn,
    HeaderSignIn,
    OidcClient,
    SsoLogins,
    SsoAccounts,
    ClientFailures,
  ],
})
export class SsoModule {}
