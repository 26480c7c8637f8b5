import { join } from 'node:path';

/** The repository root: scripts/bench/ is two levels below it. */
export const ROOT = join(__dirname, '..', '..');

/** The environment as it was when the bench started: children get this, never later changes. */
export const BASE_ENV: Readonly<NodeJS.ProcessEnv> = Object.freeze({
  ...process.env,
});

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'bench-admin-password';

export interface BenchConfig {
  /** Seconds measured per row, in total over its rounds. */
  durationSec: number;
  /**
   * Rows are measured in turn, `rounds` times over, each time for
   * durationSec / rounds: a slow minute on the shared machine then spreads over
   * every row instead of landing on one.
   */
  rounds: number;
  /** Seconds of unmeasured load before each row. */
  warmupSec: number;
  connections: number;
  /** Seconds measured per row in the 100,000-keys scenario. */
  bigDurationSec: number;
  skipBig: boolean;
  events: number;
  bigKeys: number;
  microCachedCalls: number;
  microUncachedCalls: number;
}

function positive(name: string, fallback: number): number {
  const raw = BASE_ENV[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number (got "${raw}")`);
  }
  return value;
}

function flag(name: string): boolean {
  const raw = (BASE_ENV[name] ?? '').trim().toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

/** BENCH_DURATION (s, default 10), BENCH_ROUNDS (5), BENCH_WARMUP (2), BENCH_CONNECTIONS (10), BENCH_SKIP_100K. */
export function loadBenchConfig(): BenchConfig {
  const durationSec = positive('BENCH_DURATION', 10);
  return {
    durationSec,
    rounds: Math.max(1, Math.round(positive('BENCH_ROUNDS', 5))),
    warmupSec: positive('BENCH_WARMUP', 2),
    connections: Math.round(positive('BENCH_CONNECTIONS', 10)),
    bigDurationSec: Math.max(1, durationSec / 2),
    skipBig: flag('BENCH_SKIP_100K'),
    events: 10_000,
    bigKeys: 100_000,
    microCachedCalls: Math.round(positive('BENCH_MICRO_CACHED', 100_000)),
    microUncachedCalls: Math.round(positive('BENCH_MICRO_UNCACHED', 5_000)),
  };
}

/** Progress goes to stderr, so stdout holds only the report. */
export const progress = (message: string) =>
  process.stderr.write(`[bench] ${message}\n`);
