import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../users/user.entity';
import { LoginThrottle } from './login-throttle';
import { Session } from './session.entity';
import { SessionVerifier } from './session.verifier';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([Session, User])],
  controllers: [SessionsController],
  providers: [SessionsService, SessionVerifier, LoginThrottle],
  exports: [SessionsService, SessionVerifier],
})
export class SessionsModule {}
