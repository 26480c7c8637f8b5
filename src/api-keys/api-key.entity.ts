import { Column, Entity, PrimaryColumn } from 'typeorm';
import { GrantColumns } from '../access/grants';
import { IdListColumn, InstantColumn } from '../database/columns';

export const IP_POLICIES = ['enforce', 'report'] as const;
export type IpPolicy = (typeof IP_POLICIES)[number];

@Entity('api_keys')
export class ApiKey extends GrantColumns {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  /** SHA-256 of the secret; the secret itself is never stored. */
  @Column({ type: 'varchar', length: 64, unique: true })
  keyHash: string;

  @Column({ type: 'varchar', length: 16 })
  mask: string;

  /** After a rotation, the digest of the old secret, accepted until previousExpiresAt. */
  @Column({ type: 'varchar', length: 64, nullable: true, unique: true })
  previousKeyHash: string | null;

  @InstantColumn({ nullable: true })
  previousExpiresAt: Date | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 0 })
  maxPerSec: number;

  /** IPv4/IPv6 addresses and CIDR blocks, normalised; [] = any (SPEC §19). */
  @IdListColumn()
  allowedIps: string[];

  /** `enforce`: a request from outside is refused; `report`: it passes and is audited. */
  @Column({ type: 'varchar', length: 8, default: 'enforce' })
  ipPolicy: IpPolicy;

  @InstantColumn({ nullable: true })
  expiresAt: Date | null;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  updatedAt: Date;

  @InstantColumn({ nullable: true })
  lastUsedAt: Date | null;

  /** The client IP of the last request the key authenticated; may lag like lastUsedAt. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lastUsedIp: string | null;

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;
}
