import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

export const AUDIT_TARGET_TYPES = [
  'api_key',
  'user',
  'role',
  'session',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
export type AuditOutcome = 'success' | 'denied' | 'failed';
/** What `details` may hold: wire values of records (scalars and id lists). */
export type AuditValue = string | number | boolean | null | string[];
export type AuditDetails = Record<string, AuditValue>;

/**
 * One entry of the audit log (SPEC §13). The id grows with every insert, so
 * "newest first" is id order even when entries share a millisecond.
 */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @InstantColumn()
  at: Date;

  @Index()
  @Column({ type: 'varchar', length: 100, nullable: true })
  actor: string | null;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  targetType: AuditTargetType | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  targetId: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: AuditOutcome;

  @Column({ type: 'varchar', length: 64, nullable: true })
  code: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** Changed fields and their new values; never a secret. */
  @Column({ type: 'simple-json' })
  details: AuditDetails;
}
