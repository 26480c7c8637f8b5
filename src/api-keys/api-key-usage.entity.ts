import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One key's requests on one UTC day (SPEC §19): one row per key and day,
 * whatever the traffic, added to in batches (key-usage.ts).
 */
@Entity('api_key_usage')
export class ApiKeyUsage {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  keyId: string;

  /** The UTC day, `2031-01-31`: sorts and compares as text on both databases. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day: string;

  @Column({ type: 'integer', default: 0 })
  success: number;

  @Column({ type: 'integer', default: 0 })
  denied: number;

  @Column({ type: 'integer', default: 0 })
  rateLimited: number;

  /** Successful requests by route, `{"GET /api/events": 12}`. */
  @Column({ type: 'simple-json' })
  routes: Record<string, number>;

  /** The privileges that some successful request of the day needed. */
  @Column({ type: 'simple-json' })
  privileges: string[];
}
