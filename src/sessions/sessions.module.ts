import { RedisModule } from '../redis/redis.module';
import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../users/user.entity';
import { HashPermits } from './hash-permits';
import { LoginThrottle } from './login-throttle';
import { MyAccountController } from './my-account.controller';
import { PasswordChangeService } from './password-change.service';
import { Session } from './session.entity';
import { SessionVerifier } from './session.verifier';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { UserSessionsController } from './user-sessions.controller';
import { UserSessionsService } from './user-sessions.service';

@Module({
  imports: [
    AuditModule,
    RedisModule,
    TypeOrmModule.forFeature([Session, User]),
  ],
  controllers: [
    SessionsController,
    MyAccountController,
    UserSessionsController,
  ],
  providers: [
    SessionsService,
    SessionVerifier,
    LoginThrottle,
    HashPermits,
    PasswordChangeService,
    UserSessionsService,
  ],
  // LoginThrottle: second factors count toward the same lockout (SPEC §18).
  exports: [SessionsService, SessionVerifier, LoginThrottle],
})
export class SessionsModule {}
