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
  /** BENCH_SKIP_SEVERAL: leave out the PostgreSQL + Redis rows (they need both installed). */
  skipSeveral: boolean;
  events: number;
  /** Events in the database for the second events measurement (0: skipped). */
  bigEvents: number;
  bigKeys: number;
  /** Seconds of the login flood (and of its probes alone before it). */
  loginFloodSec: number;
}

function positive(name: string, fallback: number, orZero = false): number {
  const raw = BASE_ENV[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !orZero)) {
    throw new Error(
      `${name} must be a ${orZero ? 'non-negative' : 'positive'} number (got "${raw}")`,
    );
  }
  return value;
}

function flag(name: string): boolean {
  const raw = (BASE_ENV[name] ?? '').trim().toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

/** `--smoke` or BENCH_SMOKE=1: every row for a moment, to prove the bench runs (CI). */
export const SMOKE = process.argv.includes('--smoke') || flag('BENCH_SMOKE');

/**
 * BENCH_DURATION (s, default 6), BENCH_ROUNDS (5), BENCH_WARMUP (2),
 * BENCH_CONNECTIONS (50: issue 15's guarded rows), BENCH_SKIP_100K,
 * BENCH_SKIP_SEVERAL, BENCH_BIG_EVENTS (default 100,000; 0 skips). The smoke
 * measures each row for a tenth of a second and skips the long scenarios.
 */
export function loadBenchConfig(): BenchConfig {
  if (SMOKE) {
    return {
      durationSec: 0.1,
      rounds: 1,
      warmupSec: 0.05,
      connections: 10,
      bigDurationSec: 0.1,
      skipBig: true,
      // CI has PostgreSQL and Redis: their rows must not rot either.
      skipSeveral: flag('BENCH_SKIP_SEVERAL'),
      events: 10_000,
      bigEvents: 0,
      bigKeys: 0,
      loginFloodSec: 0.3,
    };
  }
  const durationSec = positive('BENCH_DURATION', 6);
  return {
    durationSec,
    rounds: Math.max(1, Math.round(positive('BENCH_ROUNDS', 5))),
    warmupSec: positive('BENCH_WARMUP', 2),
    connections: Math.round(positive('BENCH_CONNECTIONS', 50)),
    bigDurationSec: Math.max(1, durationSec / 2),
    skipBig: flag('BENCH_SKIP_100K'),
    skipSeveral: flag('BENCH_SKIP_SEVERAL'),
    events: 10_000,
    bigEvents: Math.round(positive('BENCH_BIG_EVENTS', 100_000, true)),
    bigKeys: 100_000,
    loginFloodSec: positive('BENCH_LOGIN_FLOOD', durationSec),
  };
}

export type BenchMode = 'cpu' | 'instructions' | 'ipflood';

/**
 * BENCH_MODE: `cpu` (the default: req/s, latency, CPU time),
 * `instructions` (callgrind), or `ipflood` (only the RSS of a flood of
 * refused keys from new client IPs, ip-flood.ts; with --baseline, on both builds).
 */
export function benchMode(): BenchMode {
  const raw = (BASE_ENV.BENCH_MODE ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'cpu') return 'cpu';
  if (raw === 'instructions' || raw === 'ipflood') return raw;
  throw new Error(
    `BENCH_MODE must be "cpu", "instructions" or "ipflood" (got "${raw}")`,
  );
}

/** The ip flood's size: BENCH_IP_FLOOD requests (100,000; the smoke 2,000), RSS read after a fifth. */
export function ipFloodSize(): { requests: number; warmup: number } {
  const requests = SMOKE
    ? 2000
    : Math.round(positive('BENCH_IP_FLOOD', 100_000));
  return { requests, warmup: Math.round(requests / 5) };
}

export interface InstructionConfig {
  /** Requests per row in each measured window. */
  requests: number;
  /** Interleaved passes over the rows. */
  rounds: number;
  /** Unmeasured requests per row and pass (instrumentation off) before the first round. */
  warmupRequests: number;
  /** Interleaved warm-up passes over the rows: the JIT sees every row's shapes before anything counts. */
  warmupPasses: number;
  /** Row ids to measure (row 1 and its A/A repeat always are). */
  rows: string[];
  connections: number;
  /** Node/V8 options of the server under callgrind. */
  nodeFlags: string[];
  /** Copy the callgrind dumps to bench-results/ (for callgrind_annotate). */
  keepDumps: boolean;
  /** API keys added to the database before measuring (the 100,000-key case). */
  extraKeys: number;
}

/**
 * The V8 options that made windows repeatable: --predictable runs the compilers and the collector on
 * the main thread at points set by the work done, not by thread timing; a
 * large heap-growing factor keeps full (mark-compact) collections, which cost
 * ~10 % of a 2,000-request window each, out of the measured windows.
 */
export const DEFAULT_NODE_FLAGS = [
  '--predictable',
  '--heap-growing-percent=10000',
];

/**
 * BENCH_IR_REQUESTS (per window, default 2000), BENCH_IR_ROUNDS (3),
 * BENCH_IR_WARMUP (requests per row and pass, 3000), BENCH_IR_WARMUP_PASSES (3),
 * BENCH_IR_ROWS (comma-separated ids, default 1,2,3,4), BENCH_IR_CONNECTIONS (2),
 * BENCH_NODE_FLAGS (space-separated; replaces the defaults; "none" for none),
 * BENCH_IR_KEEP_DUMPS, BENCH_IR_KEYS (API keys to add before measuring, default 0).
 */
export function loadInstructionConfig(): InstructionConfig {
  const flags = BASE_ENV.BENCH_NODE_FLAGS?.trim();
  return {
    requests: Math.round(positive('BENCH_IR_REQUESTS', 2000)),
    rounds: Math.max(1, Math.round(positive('BENCH_IR_ROUNDS', 3))),
    warmupRequests: Math.round(positive('BENCH_IR_WARMUP', 3000)),
    warmupPasses: Math.max(
      1,
      Math.round(positive('BENCH_IR_WARMUP_PASSES', 3)),
    ),
    rows: (BASE_ENV.BENCH_IR_ROWS?.trim() || '1,2,3,4')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    connections: Math.round(positive('BENCH_IR_CONNECTIONS', 2)),
    nodeFlags:
      flags === undefined || flags === ''
        ? DEFAULT_NODE_FLAGS
        : flags === 'none'
          ? []
          : flags.split(/\s+/),
    keepDumps: flag('BENCH_IR_KEEP_DUMPS'),
    extraKeys: Math.round(positive('BENCH_IR_KEYS', 0, true)),
  };
}

/** Progress goes to stderr, so stdout holds only the report. */
export const progress = (message: string) =>
  process.stderr.write(`[bench] ${message}\n`);
