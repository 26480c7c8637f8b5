import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { RedisModule } from '../redis/redis.module';
import { SessionsModule } from '../sessions/sessions.module';
import { User } from '../users/user.entity';
import { MfaSessionsController } from './mfa-sessions.controller';
import { MfaSignIn } from './mfa-sign-in.service';
import { MfaTokens } from './mfa-tokens';
import { MfaToken } from './mfa-token.entity';
import { MfaSweeper } from './mfa-sweeper';
import { FactorDirectory } from './factor-directory';
import { FactorFailures } from './factor-failures';
import { StepUpService } from './step-up.service';
import { CallerUser } from './caller-user';
import { Challenges } from './challenges';
import { MeFactorsController } from './me-factors.controller';
import { MfaKeys } from './mfa-keys';
import { Passkey } from './passkey.entity';
import { PasskeysService } from './passkeys.service';
import { PasskeyAssertions } from './passkey-assertions';
import { RecoveryCode } from './recovery-code.entity';
import { RecoveryCodeStore } from './recovery-code-store';
import { SecondFactors } from './second-factors.service';
import { TotpFactors } from './totp-factors.service';
import { TotpFactor } from './totp-factor.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      User,
      TotpFactor,
      RecoveryCode,
      Passkey,
      MfaToken,
    ]),
    AuditModule,
    RedisModule,
    SessionsModule,
  ],
  controllers: [MeFactorsController, MfaSessionsController],
  providers: [
    MfaKeys,
    Challenges,
    SecondFactors,
    TotpFactors,
    RecoveryCodeStore,
    PasskeysService,
    PasskeyAssertions,
    CallerUser,
    FactorFailures,
    MfaSignIn,
    MfaTokens,
    StepUpService,
    MfaSweeper,
    FactorDirectory,
  ],
  exports: [FactorDirectory],
})
export class MfaModule {}
