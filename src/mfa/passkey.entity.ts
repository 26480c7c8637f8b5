import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn, WideIntColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** A WebAuthn credential registered by a user (SPEC §18). */
@Entity('passkeys')
export class Passkey {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id: string;

  @Index()
  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  user?: User;

  /** The authenticator's credential id, base64url: how an assertion names it. */
  @Column({ type: 'varchar', length: 1400, unique: true })
  credentialId: string;

  /** COSE public key, base64url. Public: it verifies, it cannot sign. */
  @Column({ type: 'text' })
  publicKey: string;

  /** Signature counter; one that goes backwards betrays a cloned authenticator. */
  @WideIntColumn()
  counter: number;

  @Column({ type: 'simple-json' })
  transports: string[];

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  lastUsedAt: Date | null;
}
