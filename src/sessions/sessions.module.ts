import { RedisModule } from '../redis/redis.module';
import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../users/user.entity';
import { HashPermits } from './hash-permits';
import { LoginFailures } from './login-failures';
import { LoginThrottle } from './login-throttle';
import { MyAccountController } from './my-account.controller';
import { PasswordChangeService } from './password-change.service';
import { Session } from './session.entity';
import { SessionLifecycle } from './session-lifecycle';
import { SessionSweeper } from './session-sweeper';
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
    SessionLifecycle,
    SessionSweeper,
    LoginFailures,
    SessionVerifier,
    LoginThrottle,
    HashPermits,
    PasswordChangeService,
    UserSessionsService,
  ],
  // LoginThrottle and LoginFailures: second factors count toward the same
  // lockout and are audited alike (SPEC §18).
  exports: [
    SessionsService,
    SessionLifecycle,
    SessionVerifier,
    LoginThrottle,
    LoginFailures,
  ],
})
export class SessionsModule {}
