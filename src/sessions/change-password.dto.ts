import { AllowedPassword, TypedPassword } from '../users/password-policy';

/** PUT /api/me/password (SPEC §16). */
export class ChangePasswordDto {
  /** As at login: any password that was ever accepted still fits. */
  @TypedPassword()
  current_password: string;

  @AllowedPassword()
  new_password: string;
}
