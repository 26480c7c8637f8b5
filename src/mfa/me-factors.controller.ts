import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
} from '@nestjs/common';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { Audit, type AuditContext } from '../audit/audit-context';
import { Authenticated, Caller } from '../access/policy.decorator';
import type { Principal } from '../access/principal';
import { Answers, MayFail, Summary } from '../validation/schema';
import { CallerUser } from './caller-user';
import { ConfirmTotpDto, RegisterPasskeyDto } from './mfa.dto';
import {
  MFA_STATUS_SCHEMA,
  PASSKEY_PAGE_SCHEMA,
  PASSKEY_VIEW_SCHEMA,
  RECOVERY_CODES_SCHEMA,
  REGISTRATION_OPTIONS_SCHEMA,
  TOTP_ENROLMENT_SCHEMA,
} from './mfa.views';
import { PasskeysService } from './passkeys.service';
import { SecondFactors } from './second-factors.service';
import { TotpFactors } from './totp-factors.service';

/** A user's own second factors (SPEC §18). Enrolment never raises the session's aal by itself. */
@Controller('me')
@Authenticated()
export class MeFactorsController {
  constructor(
    private readonly callers: CallerUser,
    private readonly factors: SecondFactors,
    private readonly totps: TotpFactors,
    private readonly passkeys: PasskeysService,
  ) {}

  @Get('mfa')
  @Summary('Your second factors: what is enrolled')
  @Answers(200, MFA_STATUS_SCHEMA)
  @MayFail('not_found')
  async status(@Caller() caller: Principal) {
    return this.factors.status(await this.callers.of(caller));
  }

  @Post('mfa/totp')
  @Summary('Start setting up an authenticator app (TOTP)')
  @HttpCode(200)
  @Answers(
    200,
    TOTP_ENROLMENT_SCHEMA,
    'A pending secret: confirm it with a code',
  )
  @MayFail('not_found', 'conflict')
  async beginTotp(@Caller() caller: Principal) {
    return this.totps.begin(await this.callers.of(caller));
  }

  @Post('mfa/totp/confirm')
  @Summary('Confirm the authenticator app; get recovery codes once')
  @HttpCode(200)
  @Answers(
    200,
    RECOVERY_CODES_SCHEMA,
    'Confirmed; the recovery codes, shown this once',
  )
  @MayFail('not_found', 'conflict')
  async confirmTotp(
    @Caller() caller: Principal,
    @Body() dto: ConfirmTotpDto,
    @Audit() audit: AuditContext,
  ) {
    return this.totps.confirm(await this.callers.of(caller), dto.code, audit);
  }

  @Delete('mfa/totp')
  @Summary('Remove the authenticator app (needs step-up)')
  @HttpCode(204)
  @Answers(204)
  @MayFail('not_found')
  async removeTotp(@Caller() caller: Principal, @Audit() audit: AuditContext) {
    await this.totps.remove(await this.callers.of(caller), audit);
  }

  @Post('passkeys/options')
  @Summary('Passkey registration options')
  @HttpCode(200)
  @Answers(
    200,
    REGISTRATION_OPTIONS_SCHEMA,
    'For navigator.credentials.create()',
  )
  @MayFail('not_found')
  async registrationOptions(@Caller() caller: Principal) {
    return this.passkeys.registrationOptions(await this.callers.of(caller));
  }

  @Post('passkeys')
  @Summary('Register a passkey')
  @Answers(201, PASSKEY_VIEW_SCHEMA)
  @MayFail('not_found', 'conflict')
  async register(
    @Caller() caller: Principal,
    @Body() dto: RegisterPasskeyDto,
    @Audit() audit: AuditContext,
  ) {
    return this.passkeys.register(
      await this.callers.of(caller),
      dto.name,
      dto.response as RegistrationResponseJSON,
      audit,
    );
  }

  @Get('passkeys')
  @Summary('List your passkeys')
  @Answers(200, PASSKEY_PAGE_SCHEMA)
  @MayFail('not_found')
  async list(@Caller() caller: Principal) {
    return this.passkeys.list(await this.callers.of(caller));
  }

  @Delete('passkeys/:id')
  @Summary('Remove a passkey (needs step-up)')
  @HttpCode(204)
  @Answers(204)
  async remove(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Audit() audit: AuditContext,
  ) {
    await this.passkeys.remove(await this.callers.of(caller), id, audit);
  }
}
