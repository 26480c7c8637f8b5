import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** One unused recovery code; deleted when used, so what is left is what works. */
@Entity('recovery_codes')
@Index(['userId', 'codeHash'], { unique: true })
export class RecoveryCode {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id: string;

  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  user?: User;

  /** SHA-256 of the normalised code; the code itself is shown once and never stored. */
  @Column({ type: 'varchar', length: 64 })
  codeHash: string;

  @InstantColumn()
  createdAt: Date;
}
