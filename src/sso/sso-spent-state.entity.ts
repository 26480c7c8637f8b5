import { Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/**
 * An OpenID state a callback has used. The sign-in itself lives sealed in
 * its browser's cookie (sso-logins.ts), so GET /api/sso/login writes
 * nothing; only the callback that uses a state writes this row, whose
 * primary key makes the state one use on every instance. Kept until the
 * state would have expired anyway.
 */
@Entity('sso_spent_states')
export class SsoSpentState {
  /** SHA-256 of the state. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Index()
  @InstantColumn()
  expiresAt: Date;
}
