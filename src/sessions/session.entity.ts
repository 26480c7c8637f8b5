import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import { User } from '../users/user.entity';

@Entity('sessions')
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  /** SHA-256 of the session ID; the ID itself is never stored. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  /** SHA-256 of the CSRF token. */
  @Column({ type: 'varchar', length: 64 })
  csrfHash: string;

  @Index()
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  user?: User;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  lastSeenAt: Date;
}
