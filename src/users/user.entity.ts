import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { GrantColumns } from '../access/grants';
import { InstantColumn } from '../database/columns';

/** How a user came to be (SPEC §17): created by an admin, or at its first single sign-on. */
export const USER_SOURCES = ['local', 'oidc', 'header'] as const;
export type UserSource = (typeof USER_SOURCES)[number];

@Entity('users')
export class User extends GrantColumns {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  /** Lower-cased username under a unique index: usernames are unique case-insensitively. */
  @Column({ type: 'varchar', length: 64, unique: true })
  usernameKey: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  fullName: string;

  /** NO_PASSWORD ('') for a user created by single sign-on, until an admin sets one. */
  @Column({ type: 'varchar', length: 300 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16, default: 'local' })
  source: UserSource;

  /**
   * OpenID Connect: `<iss> <sub>` of the provider account this user belongs
   * to (the only stable identifier OpenID Connect gives); null otherwise.
   */
  @Column({ type: 'varchar', length: 512, nullable: true })
  ssoSubject: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  updatedAt: Date;
}
