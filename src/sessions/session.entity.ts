import { Column, Entity, Index, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import { User } from '../users/user.entity';

/** How a session was signed in (SPEC §16). */
export const SIGN_IN_METHODS = [
  'password',
  'oidc',
  'header',
  'passkey',
] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** Authenticator assurance level: 2 once a second factor (or a passkey) was completed. */
export type Aal = 1 | 2;

/** SPEC §16: a user agent is kept to its first 256 characters. */
export const USER_AGENT_MAX = 256;

@Entity('sessions')
export class Session {
  /** Internal record id: named by the change bus and the activity buffer. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  /**
   * The session's public id (SPEC §16's `id`): random on its own, never the
   * secret nor derived from it, so showing it lets nobody use the session.
   */
  @Column({ type: 'varchar', length: 32, unique: true })
  handle: string;

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

  /** The client IP at sign-in (per TRUST_PROXY); recorded once, never per request. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /** The User-Agent at sign-in, cut to USER_AGENT_MAX characters. */
  @Column({ type: 'varchar', length: USER_AGENT_MAX, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 16, default: 'password' })
  method: SignInMethod;

  /** The level reached at sign-in or by the last step-up. */
  @Column({ type: 'integer', default: 1 })
  aal: Aal;

  /**
   * When a second factor was last completed (at sign-in or by step-up), or
   * null: step-up's aal 2 lasts STEP_UP_WINDOW seconds from here (SPEC §18).
   */
  @InstantColumn({ nullable: true })
  steppedUpAt: Date | null;
}
