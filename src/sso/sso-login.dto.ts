import { IsString } from 'class-validator';
import { Optional } from '../validation/validation';

/** GET /api/sso/login's query. */
export class SsoLoginQuery {
  /**
   * Where to land after signing in: a path on this site (SPEC §17), checked
   * by sameSitePath; anything else is ignored rather than refused.
   */
  @Optional()
  @IsString()
  return_to?: string;
}
