import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type autocannon from 'autocannon';
import { addKeys, prepare } from './api';
import type { Baseline } from './baseline';
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
import { KEYS, TWIN, pairedSpecs } from './compare';
import { Child, startServer, stop } from './processes';
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

/** A row against its twin on the baseline build (`--baseline`). */
export interface VersusBaseline {
  /** Median over the twin's median, every thread. */
  ratio: number;
  /** Each round's window over the twin's in that round. */
  roundsRatio: number[];
  /** Target (rows.ts). */
  maxRatio?: number;
}

export interface InstructionRow {
  id: string;
  label: string;
  extra: boolean;
  requests: number;
  /** Every thread (with the default --predictable, V8 runs on the main thread alone). */
  all: Stat;
  /** Per request over every round, every thread, by kind of function (diagnostic). */
  categories: Record<Category, number>;
  /** Rounds whose window held a full (mark-compact) GC. */
  majorGcRounds: number[];
  statusCodes: Record<string, number>;
  unexpected: number;
  vsBaseline?: VersusBaseline;
}

/** What an unchanged request measures as: row 1 twice in every round. */
export interface NoiseFloor {
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
  noise: NoiseFloor;
  /** Rows 2-4 against row 1 and each row against its baseline twin, the largest differences first. */
  deltas: Record<string, FunctionDelta[]>;
  dumpsDir: string | null;
  /** The rows table the rows came from (their targets). */
  specs: RowSpec[];
  baseline: Baseline | null;
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

function noiseFloor(repeat: InstructionRow): NoiseFloor {
  const { roundsRatio, ratio } = repeat.all;
  return {
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

/** A server under callgrind, driven through its own vgdb FIFOs, with its fixtures made. */
async function startCounted(
  tempDir: string,
  config: InstructionConfig,
  name: string,
  root?: string,
) {
  const dir = join(tempDir, name);
  mkdirSync(dir, { recursive: true });
  const files = callgrindFiles(dir);
  const dbPath = join(dir, 'opsgate.sqlite');
  const server = await startServer(dbPath, tempDir, {
    name,
    root,
    wrapper: callgrindCommand(files),
    nodeArgs: config.nodeFlags,
    env: SERVER_ENV,
    timeoutMs: 300_000,
  });
  progress(
    `${name}: pid ${server.pid} on port ${server.port}, ready in ${server.startupMs.toFixed(0)} ms`,
  );
  const fixture = await prepare(server.port);
  await addKeys(server.port, fixture, KEYS);
  await checkFixture(server.port, fixture);
  return {
    server,
    fixture,
    dbPath,
    control: new CallgrindControl(server.pid, files, server.env),
  };
}

/**
 * The server under callgrind on a fresh database with the normal fixtures
 * (and, with `--baseline`, the baseline build's beside it, its rows
 * interleaved with this build's); interleaved warm-up passes with
 * instrumentation off, then interleaved rounds of `requests` requests per
 * row, instrumentation on only during each window.
 */
export async function measureInstructions(
  config: InstructionConfig,
  tempDir: string,
  dumpsDir: string,
  baseline: Baseline | null,
): Promise<InstructionRun> {
  const valgrind = valgrindVersion();
  if (baseline && config.extraKeys > 0) {
    throw new Error('BENCH_IR_KEYS is not measured with --baseline');
  }
  progress(
    `starting the server under callgrind (${valgrind}; node ${config.nodeFlags.join(' ')}): 10-60 s`,
  );
  const servers: Child[] = [];
  try {
    const [now, base] = await Promise.all([
      startCounted(tempDir, config, 'server-callgrind'),
      baseline
        ? startCounted(tempDir, config, 'baseline-callgrind', baseline.root)
        : null,
    ]);
    servers.push(now.server, ...(base ? [base.server] : []));
    if (config.extraKeys > 0) {
      progress(`adding ${config.extraKeys} API keys to the database`);
      await seedApiKeys(now.dbPath, config.extraKeys);
    }
    const all = rowSpecs(now.fixture);
    const unknown = config.rows.filter((id) => !all.some((s) => s.id === id));
    if (unknown.length > 0) {
      throw new Error(`BENCH_IR_ROWS: no row ${unknown.join(', ')}`);
    }
    const ids = all
      .filter((spec) => spec.id === '1' || config.rows.includes(spec.id))
      .map((spec) => spec.id);
    const base1 = base
      ? pairedSpecs(ids, now.fixture, base.fixture, { floor: false })
      : all.filter((spec) => ids.includes(spec.id));
    const repeat: RowSpec = {
      ...base1[0],
      id: REPEAT_ID,
      label: `${base1[0].label}, again (A/A)`,
      extra: true,
    };
    const specs = [...base1, repeat];
    const counted = (spec: RowSpec) =>
      base && spec.id.startsWith(TWIN) ? base : now;
    const load: LoadOptions = {
      connections: config.connections,
      timeoutSec: 120,
    };
    progress(
      `warm-up, instrumentation off: ${config.warmupPasses} passes of ${config.warmupRequests} requests per row`,
    );
    await inRounds(
      base1,
      config.warmupPasses,
      `${config.warmupRequests} requests (warm-up)`,
      (spec) =>
        fire(spec, counted(spec).server, load, {
          requests: config.warmupRequests,
        }),
    );

    if (config.keepDumps) mkdirSync(dumpsDir, { recursive: true });
    const windows = await inRounds(
      specs,
      config.rounds,
      `${config.requests} requests`,
      async (spec, round): Promise<Window> => {
        const { server, control } = counted(spec);
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
    return summarize(specs, windows, all, {
      valgrind,
      serverStartupMs: now.server.startupMs,
      dumpsDir: config.keepDumps ? dumpsDir : null,
      baseline,
      requests: config.requests,
    });
  } finally {
    await Promise.all(servers.map((server) => stop(server, 60_000)));
  }
}

/** The rows, noise floor and deltas of the counted windows. */
function summarize(
  specs: RowSpec[],
  windows: Window[][],
  all: RowSpec[],
  run: {
    valgrind: string;
    serverStartupMs: number;
    dumpsDir: string | null;
    baseline: Baseline | null;
    requests: number;
  },
): InstructionRun {
  const index = new Map(specs.map((spec, i) => [spec.id, i]));
  const counts = (i: number) =>
    windows[i].map((w) => perRequest(w, w.dump.all));
  const costs = specs.map((_, i) => functionCosts(windows[i]));
  const rows = specs.map((spec, i): InstructionRow => {
    const check = checkStatuses(
      spec,
      windows[i].map((w) => w.raw),
    );
    warnUnexpected(spec, check);
    // A twin is compared with the baseline's row 1, a row of this build with this build's.
    const row1 = index.get(spec.id.startsWith(TWIN) ? `${TWIN}1` : '1')!;
    const twin = index.get(`${TWIN}${spec.id}`);
    const vs = twin === undefined ? undefined : stat(counts(i), counts(twin));
    return {
      id: spec.id,
      label: spec.label,
      extra: spec.extra ?? false,
      requests: run.requests,
      all: stat(counts(i), counts(row1)),
      categories: categories(costs[i]),
      majorGcRounds: windows[i]
        .map((w, round) => (hasMajorGc(w.dump) ? round + 1 : 0))
        .filter(Boolean),
      ...check,
      ...(vs && {
        vsBaseline: {
          ratio: vs.ratio,
          roundsRatio: vs.roundsRatio,
          maxRatio: spec.maxBaselineRatio,
        },
      }),
    };
  });
  const repeatRow = rows[rows.length - 1];
  const deltaPairs: [string, number, number][] = [];
  for (const [id, i] of index) {
    if (['2', '3', '4'].includes(id)) deltaPairs.push([id, i, index.get('1')!]);
    const twin = index.get(`${TWIN}${id}`);
    if (twin !== undefined) deltaPairs.push([`${id} vs baseline`, i, twin]);
  }
  return {
    valgrind: run.valgrind,
    serverStartupMs: run.serverStartupMs,
    serverEnv: { ...SERVER_ENV },
    rows,
    noise: noiseFloor(repeatRow),
    deltas: Object.fromEntries(
      deltaPairs.map(([name, i, ref]) => [name, deltas(costs[i], costs[ref])]),
    ),
    dumpsDir: run.dumpsDir,
    specs: all,
    baseline: run.baseline,
  };
}
