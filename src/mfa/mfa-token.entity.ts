import { Column, Entity, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import { User } from '../users/user.entity';

/**
 * A sign-in waiting for its second factor (SPEC §18): issued after the right
 * password, good for one success and MFA_TOKEN_FAILURES failures.
 */
@Entity('mfa_tokens')
export class MfaToken {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id: string;

  /** SHA-256 of the token; the token itself is only in the answer. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  user?: User;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @InstantColumn()
  expiresAt: Date;
}
