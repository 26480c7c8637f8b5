import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AppError } from '../http/app-error';
import type { SecondFactorDto } from './mfa.dto';

/** What a second step presents: a code (TOTP or recovery) or a passkey's assertion. */
export type Presented =
  { code: string } | { passkey: AuthenticationResponseJSON };

/** Exactly one of `code` and `passkey`, else a 400 naming `code`. */
export function presentedFactor(dto: SecondFactorDto): Presented {
  const hasCode = dto.code !== undefined;
  const hasPasskey = dto.passkey !== undefined;
  if (hasCode === hasPasskey) {
    throw AppError.invalidField(
      'code',
      'give either a code (from the authenticator app, or a recovery code) or a passkey, not both',
    );
  }
  return hasCode
    ? { code: dto.code! }
    : { passkey: dto.passkey as AuthenticationResponseJSON };
}
