import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type autocannon from 'autocannon';
import { prepare } from './api';
import {
  CallgrindControl,
  Category,
  Dump,
  callgrindCommand,
  callgrindFiles,
  categoryOf,
  displayName,
  hasMajorGc,
} from './callgrind';
import { InstructionConfig, progress } from './config';
import {
  LoadOptions,
  RowSpec,
  checkStatuses,
  fire,
  halfSpread,
  median,
  sum,
} from './load';
import { startServer, stop } from './processes';
import { checkFixture, inRounds, rowSpecs, warnUnexpected } from './rows';
import { seedApiKeys } from './seed';

/** Row 1 measured a second time in every round: the A/A comparison. */
export const REPEAT_ID = '1-again';

/**
 * Time-driven work runs ~50 times less often per request under callgrind than
 * at full speed: a 10 s cache TTL would expire every ~800 requests instead of
 * every ~35,000. Stretched here so that, as at full speed, reloads and flushes
 * are negligible per request and do not land in some windows and not others.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = {
  AUTH_CACHE_TTL: '3600',
  AUTH_NEGATIVE_CACHE_TTL: '3600',
  ACTIVITY_FLUSH_INTERVAL: '60',
};

/** The two counts kept per window: every thread, and the main thread alone. */
export type Measure = 'all' | 'main';

/** The count the targets are judged on. */
export const JUDGED: Measure = 'all';

/** One count (per request) of one row over the rounds. */
export interface Stat {
  /** Each round's window. */
  rounds: number[];
  median: number;
  /** Half the spread of the rounds, relative to the median. */
  spread: number;
  /** Median over row 1's median. */
  ratio: number;
  /** Each round's window over row 1's window of the same round. */
  roundsRatio: number[];
}

export interface InstructionRow {
  id: string;
  label: string;
  extra: boolean;
  requests: number;
  all: Stat;
  main: Stat;
  /** Per request over every round, every thread, by kind of function (diagnostic). */
  categories: Record<Category, number>;
  /** Rounds whose window held a full (mark-compact) GC. */
  majorGcRounds: number[];
  statusCodes: Record<string, number>;
  unexpected: number;
}

/** What an unchanged request measures as: row 1 twice in every round. */
export interface NoiseFloor {
  measure: Measure;
  roundsRatio: number[];
  /** Median of the repeat over median of row 1. */
  ratio: number;
  /** The largest |ratio - 1| of one round. */
  worst: number;
}

/** Per request, a row's functions against row 1's: where the difference goes. */
export interface FunctionDelta {
  fn: string;
  row1: number;
  row: number;
  delta: number;
}

export interface InstructionRun {
  valgrind: string;
  serverStartupMs: number;
  serverEnv: Record<string, string>;
  rows: InstructionRow[];
  noise: Record<Measure, NoiseFloor>;
  /** Rows 2-4 against row 1, the largest differences first. */
  deltas: Record<string, FunctionDelta[]>;
  dumpsDir: string | null;
  /** The rows table the rows came from (their targets). */
  specs: RowSpec[];
}

interface Window {
  raw: autocannon.RawResult;
  dump: Dump;
}

const perRequest = (w: Window, count: number) =>
  count / w.raw.totalCompletedRequests;

function stat(values: number[], baseline: number[]): Stat {
  const middle = median(values);
  return {
    rounds: values,
    median: middle,
    spread: halfSpread(values, middle),
    ratio: middle / median(baseline),
    roundsRatio: values.map((value, i) => value / baseline[i]),
  };
}

/** Self cost per request, every thread, by displayed function name. */
function functionCosts(windows: Window[]): Map<string, number> {
  const requests = sum(windows.map((w) => w.raw.totalCompletedRequests));
  const costs = new Map<string, number>();
  for (const { dump } of windows) {
    for (const thread of dump.threads) {
      for (const [fn, cost] of thread.byFunction) {
        const name = displayName(fn);
        costs.set(name, (costs.get(name) ?? 0) + cost / requests);
      }
    }
  }
  return costs;
}

function categories(costs: Map<string, number>): Record<Category, number> {
  const out: Record<Category, number> = { compile: 0, gc: 0, jit: 0, other: 0 };
  for (const [fn, cost] of costs) out[categoryOf(fn)] += cost;
  return out;
}

function deltas(
  row: Map<string, number>,
  row1: Map<string, number>,
  top = 12,
): FunctionDelta[] {
  return [...new Set([...row.keys(), ...row1.keys()])]
    .map((fn) => {
      const a = row1.get(fn) ?? 0;
      const b = row.get(fn) ?? 0;
      return { fn, row1: a, row: b, delta: b - a };
    })
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, top);
}

function noiseFloor(repeat: InstructionRow, measure: Measure): NoiseFloor {
  const { roundsRatio, ratio } = repeat[measure];
  return {
    measure,
    roundsRatio,
    ratio,
    worst: Math.max(...roundsRatio.map((r) => Math.abs(r - 1))),
  };
}

function valgrindVersion(): string {
  try {
    return execFileSync('valgrind', ['--version'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(
      'BENCH_MODE=instructions needs valgrind (apt-get install valgrind)',
    );
  }
}

/**
 * The server under callgrind on a fresh database with the normal fixtures;
 * interleaved warm-up passes with instrumentation off, then interleaved rounds
 * of `requests` requests per row, instrumentation on only during each window.
 */
export async function measureInstructions(
  config: InstructionConfig,
  tempDir: string,
  dumpsDir: string,
): Promise<InstructionRun> {
  const valgrind = valgrindVersion();
  const files = callgrindFiles(tempDir);
  const nodeArgs = config.nodeFlags;
  progress(
    `starting the server under callgrind (${valgrind}; node ${nodeArgs.join(' ')}): 10-60 s`,
  );
  const dbPath = join(tempDir, 'opsgate.sqlite');
  const server = await startServer(dbPath, tempDir, {
    name: 'server-callgrind',
    wrapper: callgrindCommand(files),
    nodeArgs,
    env: SERVER_ENV,
    timeoutMs: 300_000,
  });
  try {
    progress(
      `server pid ${server.pid} on port ${server.port}, ready in ${server.startupMs.toFixed(0)} ms`,
    );
    const fixture = await prepare(server.port);
    await checkFixture(server.port, fixture);
    if (config.extraKeys > 0) {
      progress(`adding ${config.extraKeys} API keys to the database`);
      await seedApiKeys(dbPath, config.extraKeys);
    }
    const all = rowSpecs(fixture);
    const base = all.filter(
      (spec) => spec.id === '1' || config.rows.includes(spec.id),
    );
    const unknown = config.rows.filter((id) => !all.some((s) => s.id === id));
    if (unknown.length > 0) {
      throw new Error(`BENCH_IR_ROWS: no row ${unknown.join(', ')}`);
    }
    const repeat: RowSpec = {
      ...base[0],
      id: REPEAT_ID,
      label: `${base[0].label}, again (A/A)`,
      extra: true,
    };
    const specs = [...base, repeat];
    const load: LoadOptions = {
      connections: config.connections,
      timeoutSec: 120,
    };
    progress(
      `warm-up, instrumentation off: ${config.warmupPasses} passes of ${config.warmupRequests} requests per row`,
    );
    await inRounds(
      base,
      config.warmupPasses,
      `${config.warmupRequests} requests (warm-up)`,
      (spec) => fire(spec, server, load, { requests: config.warmupRequests }),
    );

    const control = new CallgrindControl(server.pid, files, server.env);
    if (config.keepDumps) mkdirSync(dumpsDir, { recursive: true });
    const windows = await inRounds(
      specs,
      config.rounds,
      `${config.requests} requests`,
      async (spec, round): Promise<Window> => {
        let raw: autocannon.RawResult | undefined;
        const dump = await control.count(async () => {
          raw = await fire(spec, server, load, { requests: config.requests });
        });
        if (config.keepDumps) {
          for (const { file } of dump.threads) {
            const thread = basename(file).split('-').pop();
            copyFileSync(
              file,
              join(dumpsDir, `row-${spec.id}.round-${round}.thread-${thread}`),
            );
          }
        }
        return { raw: raw!, dump };
      },
    );

    const counts = (i: number, measure: Measure) =>
      windows[i].map((w) => perRequest(w, w.dump[measure]));
    const costs = specs.map((_, i) => functionCosts(windows[i]));
    const rows = specs.map((spec, i): InstructionRow => {
      const check = checkStatuses(
        spec,
        windows[i].map((w) => w.raw),
      );
      warnUnexpected(spec, check);
      return {
        id: spec.id,
        label: spec.label,
        extra: spec.extra ?? false,
        requests: config.requests,
        all: stat(counts(i, 'all'), counts(0, 'all')),
        main: stat(counts(i, 'main'), counts(0, 'main')),
        categories: categories(costs[i]),
        majorGcRounds: windows[i]
          .map((w, round) => (hasMajorGc(w.dump) ? round + 1 : 0))
          .filter(Boolean),
        ...check,
      };
    });
    const repeatRow = rows[rows.length - 1];
    return {
      valgrind,
      serverStartupMs: server.startupMs,
      serverEnv: { ...SERVER_ENV },
      rows,
      noise: {
        all: noiseFloor(repeatRow, 'all'),
        main: noiseFloor(repeatRow, 'main'),
      },
      deltas: Object.fromEntries(
        specs
          .map((spec, i) => [spec.id, i] as const)
          .filter(([id]) => ['2', '3', '4'].includes(id))
          .map(([id, i]) => [id, deltas(costs[i], costs[0])]),
      ),
      dumpsDir: config.keepDumps ? dumpsDir : null,
      specs: all,
    };
  } finally {
    await stop(server, 60_000);
  }
}
