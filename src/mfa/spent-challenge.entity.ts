import { Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/**
 * A WebAuthn challenge already presented. Challenges are signed, not stored
 * (challenges.ts), so asking for options writes nothing; only a challenge
 * presented back is recorded, until it would have expired anyway.
 */
@Entity('spent_challenges')
export class SpentChallenge {
  /** SHA-256 of the challenge. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Index()
  @InstantColumn()
  expiresAt: Date;
}
