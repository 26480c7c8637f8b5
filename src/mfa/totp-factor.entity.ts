import { Column, Entity, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** A user's authenticator app (SPEC §18): at most one, pending until confirmed. */
@Entity('totp_factors')
export class TotpFactor {
  @PrimaryColumn({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  user?: User;

  /** The base32 secret sealed with the MFA key (secret-box.ts); never returned after enrolment. */
  @Column({ type: 'varchar', length: 200 })
  sealedSecret: string;

  /** Null while pending: a pending secret signs nobody in. */
  @InstantColumn({ nullable: true })
  confirmedAt: Date | null;

  /**
   * The 30-second time step of the last accepted code: a code of that step or
   * an earlier one is refused (RFC 6238 §5.2, no replay).
   */
  @Column({ type: 'integer', nullable: true })
  lastStep: number | null;

  @InstantColumn()
  createdAt: Date;
}
