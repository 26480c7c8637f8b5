import type { EnvReader } from './env-reader';

/** Where data lives, and how often and how long it is kept. */
export interface StorageConfig {
  databasePath: string;
  /** postgres://… : run on PostgreSQL instead of the SQLite file (DATABASE_PATH is then ignored). */
  databaseUrl: string | undefined;
  /** redis://… : share limits, lockout and cache invalidation between instances. */
  redisUrl: string | undefined;
  /** Seconds between batched writes of last_used_at and session activity. */
  activityFlushInterval: number;
  /** Days an audit entry is kept (SPEC §13). */
  auditRetentionDays: number;
}

export function readStorageConfig(read: EnvReader): StorageConfig {
  return {
    databasePath: read.string('DATABASE_PATH', 'data/opsgate.sqlite'),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    activityFlushInterval: read.int('ACTIVITY_FLUSH_INTERVAL', 5, 1, 60),
    auditRetentionDays: read.int('AUDIT_RETENTION_DAYS', 90, 1, 36_500),
  };
}
