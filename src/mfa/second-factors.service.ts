import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import type { User } from '../users/user.entity';
import { type MfaMethod, type MfaState, methodsOf } from './mfa-methods';
import { Passkey } from './passkey.entity';
import { RecoveryCode } from './recovery-code.entity';
import { RecoveryCodeStore } from './recovery-code-store';
import { TotpFactor } from './totp-factor.entity';
import { TotpFactors } from './totp-factors.service';
import { looksLikeTotp } from './totp';

/** What second factors a user has, and checking a typed code against them. */
@Injectable()
export class SecondFactors {
  constructor(
    @InjectRepository(TotpFactor)
    private readonly totps: Repository<TotpFactor>,
    @InjectRepository(RecoveryCode)
    private readonly codes: Repository<RecoveryCode>,
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    private readonly totpFactors: TotpFactors,
    private readonly recoveryCodes: RecoveryCodeStore,
  ) {}

  async state(userId: number): Promise<MfaState> {
    const [totp, passkeys, recoveryCodesLeft] = await Promise.all([
      this.totps.existsBy({ userId, confirmedAt: Not(IsNull()) }),
      this.passkeys.countBy({ userId }),
      this.codes.countBy({ userId }),
    ]);
    return { totp, passkeys, recoveryCodesLeft };
  }

  /** GET /api/me/mfa: what is enrolled, on the wire. */
  async status(user: User) {
    const state = await this.state(user.id);
    return {
      totp: state.totp,
      passkeys: state.passkeys,
      recovery_codes_left: state.recoveryCodesLeft,
    };
  }

  async methods(userId: number): Promise<MfaMethod[]> {
    return methodsOf(await this.state(userId));
  }

  /** Checks a TOTP code (six digits) or else a recovery code, each accepted once. */
  async verifyCode(
    user: User,
    typed: string,
    context: AuditContext,
  ): Promise<MfaMethod | null> {
    const code = typed.replace(/\s/g, '');
    if (looksLikeTotp(code)) {
      return (await this.totpFactors.accept(user.id, code)) ? 'totp' : null;
    }
    return (await this.recoveryCodes.use(user, code, context))
      ? 'recovery_code'
      : null;
  }
}
