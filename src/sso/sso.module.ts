import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { OidcClient } from './oidc-client';
import { SsoAccounts } from './sso-accounts';
import { SsoLogin } from './sso-login.entity';
import { SsoLogins } from './sso-logins';
import { SsoController } from './sso.controller';
import { SsoService } from './sso.service';

@Module({
  imports: [TypeOrmModule.forFeature([SsoLogin]), AuditModule, SessionsModule],
  controllers: [SsoController],
  providers: [SsoService, OidcClient, SsoLogins, SsoAccounts],
})
export class SsoModule {}
