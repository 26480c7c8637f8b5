import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Key material the server generated for itself when no setting gave it
 * (MFA_SECRET_KEY unset): one row per name, created once, shared by every
 * instance on the database.
 */
@Entity('server_secrets')
export class ServerSecret {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 200 })
  value: string;
}
