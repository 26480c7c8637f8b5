import { IsObject, IsString, Length } from 'class-validator';
import { Optional, Title } from '../validation/validation';

/** A TOTP code (six digits) or a recovery code; spaces and dashes allowed. */
const CODE_LENGTH = [1, 64] as const;

export class ConfirmTotpDto {
  @IsString()
  @Length(...CODE_LENGTH)
  code: string;
}

export class RegisterPasskeyDto {
  @Title()
  name: string;

  /** The browser's answer to navigator.credentials.create(), as SimpleWebAuthn's startRegistration gives it. */
  @IsObject()
  response: object;
}

/** A second factor: a code (TOTP or recovery code) or a passkey's assertion, exactly one. */
export class SecondFactorDto {
  @Optional()
  @IsString()
  @Length(...CODE_LENGTH)
  code?: string;

  /** The browser's answer to navigator.credentials.get() (startAuthentication). */
  @Optional()
  @IsObject()
  passkey?: object;
}

export class MfaTokenDto {
  @IsString()
  @Length(1, 128)
  mfa_token: string;
}

export class MfaSignInDto extends SecondFactorDto {
  @IsString()
  @Length(1, 128)
  mfa_token: string;
}

export class PasskeySignInDto {
  @IsObject()
  response: object;
}
