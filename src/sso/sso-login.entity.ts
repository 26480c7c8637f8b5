import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/**
 * An OpenID Connect sign-in under way: what GET /api/sso/login bound to one
 * browser's cookie, until its callback. Kept in the database, not in memory,
 * so the callback may reach any instance, and so deleting the row is the one
 * use of the state on every instance.
 */
@Entity('sso_logins')
export class SsoLogin {
  /** SHA-256 of the cookie's value; the value itself is never stored. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  state: string;

  @Column({ type: 'varchar', length: 64 })
  nonce: string;

  /** PKCE's secret half; only its S256 challenge went to the provider. */
  @Column({ type: 'varchar', length: 128 })
  codeVerifier: string;

  /** A same-site path to answer with after signing in; null: `/`. */
  @Column({ type: 'varchar', length: 2048, nullable: true })
  returnTo: string | null;

  @Index()
  @InstantColumn()
  createdAt: Date;
}
