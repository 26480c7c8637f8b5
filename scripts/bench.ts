/**
 * `npm run bench`: what the auth guard costs (issue 6). Starts the built server
 * on a temporary database, prepares credentials and 10,000 events, measures each
 * row with autocannon (req/s, latency, and the server's CPU per request), and
 * the same rows again with 100,000 keys in the database. Reports targets; never fails on them.
 *
 * BENCH_MODE=instructions counts instead the instructions the server executes
 * per request, under valgrind's callgrind (scripts/bench/instructions.ts): slow,
 * but nearly independent of the machine's load, with an A/A row (row 1 measured
 * twice per round) as its noise floor.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fixture, prepare, publicHeaders } from './bench/api';
import { Baseline, baselineArg, buildBaseline } from './bench/baseline';
import {
  compareBuilds,
  compareFailures,
  compareLines,
  compareTargets,
} from './bench/compare';
import { bigEvents, eventsLines, queryPlans } from './bench/events';
import {
  BenchConfig,
  ROOT,
  SMOKE,
  benchMode,
  ipFloodSize,
  loadBenchConfig,
  loadInstructionConfig,
  progress,
} from './bench/config';
import { measureInstructions } from './bench/instructions';
import { ipFloodLines, ipFloodRss } from './bench/ip-flood';
import type { RowResult, RowSpec } from './bench/load';
import { loginFlood, loginFloodLines } from './bench/login-flood';
import {
  Child,
  killAll,
  startBareServer,
  startServer,
  stop,
  stopAll,
} from './bench/processes';
import {
  BigResult,
  bigTable,
  instructionTargets,
  instructionsTable,
  noiseLines,
  deltaLines,
  ratios,
  rowsTable,
  targets,
  targetsTable,
} from './bench/report';
import { checkFixture, measureRows, rowFailures, rowSpecs } from './bench/rows';
import {
  severalFailures,
  severalInstances,
  severalLines,
  severalTargets,
} from './bench/several';
import { copyDatabase, seedApiKeys, seedEvents } from './bench/seed';

/**
 * 100,000 keys: stop the server, keep a copy of its database as the control,
 * add the keys, then serve both databases at once and measure rows 1-4 on each
 * in the same interleaved rounds, so machine noise hits both alike.
 */
async function bigScenario(
  config: BenchConfig,
  server: Child,
  dbPath: string,
  tempDir: string,
  specs: RowSpec[],
  fixture: Fixture,
  events: number,
): Promise<BigResult> {
  progress('100k: stopping the server');
  await stop(server);
  const controlPath = join(tempDir, 'control.sqlite');
  copyDatabase(dbPath, controlPath);
  progress(`100k: inserting ${config.bigKeys} API keys`);
  const seeded = await seedApiKeys(dbPath, config.bigKeys);
  progress('100k: restarting the server');
  const big = await startServer(dbPath, tempDir, { name: 'server-100k' });
  progress(`100k: started in ${big.startupMs.toFixed(0)} ms`);
  const control = await startServer(controlPath, tempDir, {
    name: 'server-control',
  });
  try {
    await checkFixture(big.port, fixture, events);
    await checkFixture(control.port, fixture, events);
    const base = specs.filter((spec) => ['1', '2', '3', '4'].includes(spec.id));
    const paired = base.flatMap((spec) => [
      spec,
      { ...spec, id: `control-${spec.id}` },
    ]);
    const measured = await measureRows(
      paired,
      (spec) => (spec.id.startsWith('control-') ? control : big),
      config,
      config.bigDurationSec,
    );
    const rows = measured.filter((row) => !row.id.startsWith('control-'));
    const controlRows = measured
      .filter((row) => row.id.startsWith('control-'))
      .map((row) => ({ ...row, id: row.id.slice('control-'.length) }));
    return {
      keysInDatabase: seeded.total,
      startupMs: big.startupMs,
      controlStartupMs: control.startupMs,
      rows,
      controlRows,
      vsControl: ratios(rows, controlRows),
    };
  } finally {
    await Promise.all([stop(big), stop(control)]);
  }
}

/** Heap bytes per entry of the state that grows with credentials and client IPs (bench/memory.ts). */
function memoryCosts(): Record<string, number> {
  progress('memory per credential and per client IP');
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '-r',
      'ts-node/register/transpile-only',
      join(__dirname, 'bench', 'memory.ts'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, number>;
}

const RESULTS_DIR = join(ROOT, 'bench-results');
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');

/** bench-results/<prefix>-<time of start>.json */
function writeResults(prefix: string, results: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${prefix}-${STAMP}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

function machine(loadBefore: number[]) {
  return {
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    loadavg_before: loadBefore,
    loadavg_after: loadavg(),
  };
}

async function main(tempDir: string): Promise<void> {
  const config = loadBenchConfig();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const dbPath = join(tempDir, 'opsgate.sqlite');

  progress(`temporary directory ${tempDir}`);
  const server = await startServer(dbPath, tempDir);
  progress(
    `server pid ${server.pid} on port ${server.port}, ready in ${server.startupMs.toFixed(0)} ms`,
  );
  const fixture = await prepare(server.port);
  const eventSeed = {
    count: config.events,
    mainCategory: fixture.category,
    otherCategory: fixture.otherCategory,
    otherEvery: 10,
    group: fixture.group,
  };
  const seeded = await seedEvents(dbPath, eventSeed);
  progress(
    `inserted ${seeded.inserted} events (${seeded.main} in "${fixture.category}", ${seeded.other} in "${fixture.otherCategory}")`,
  );
  await checkFixture(server.port, fixture, seeded.main);
  const bare = await startBareServer(tempDir, await publicHeaders(server.port));

  const specs = rowSpecs(fixture);
  const rows: RowResult[] = [];
  for (const group of ['guarded', 'floods'] as const) {
    progress(`rows of group "${group}"`);
    const measured = await measureRows(
      specs.filter((spec) => spec.group === group),
      (spec) => (spec.id === '6' ? bare : server),
      config,
      config.durationSec,
    );
    rows.push(...measured);
  }
  await stop(bare);
  const flood = await loginFlood(
    server.port,
    fixture.apiKey,
    16,
    config.loginFloodSec,
  );

  const big = config.skipBig
    ? null
    : await bigScenario(
        config,
        server,
        dbPath,
        tempDir,
        specs,
        fixture,
        seeded.main,
      );
  await stop(server);
  const eventsBig =
    config.bigEvents > seeded.inserted
      ? await bigEvents(config, dbPath, tempDir, specs, fixture, {
          ...eventSeed,
          inserted: seeded.inserted,
        })
      : null;
  progress('query plans of the scoped events list');
  const plans = await queryPlans(dbPath, tempDir, fixture);
  const several = config.skipSeveral
    ? null
    : await severalInstances(config, tempDir);
  const memory = memoryCosts();
  const ipFlood = await ipFloodRss(tempDir, 'this build', ipFloodSize());

  const list = [
    ...targets(rows, specs, big),
    ...(several ? severalTargets(several) : []),
  ];
  const failures = [
    ...specs.flatMap((spec) => {
      const row = rows.find((r) => r.id === spec.id);
      return row ? rowFailures(spec, row) : [`row ${spec.id}: not measured`];
    }),
    ...(eventsBig?.rows ?? []).flatMap((row) =>
      rowFailures(
        specs.find((s) => s.id === row.id)!,
        row,
      ),
    ),
    ...(several ? severalFailures(several) : []),
  ];
  const results = {
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    machine: machine(loadBefore),
    config,
    server_startup_ms: server.startupMs,
    seeded_events: seeded,
    rows,
    login_flood: flood,
    big,
    events_big: eventsBig,
    query_plans: plans,
    several_instances: several,
    memory_bytes_per_entry: memory,
    ip_flood: ipFlood,
    targets: list,
    failures,
  };
  const file = writeResults('bench', results);

  const out: string[] = [
    '',
    `opsgate bench: ${config.connections} connections; per row ${config.warmupSec} s warm-up, then ${config.durationSec} s measured in ${config.rounds} interleaved rounds`,
    `CPU = the server process's (row 6: the bare server's) CPU time over the measured windows / requests; CPU +/-: half the spread of the rounds' CPU/req; CPU med: their median; x base, CPU eff: against the row's group baseline (rows.ts); sys %: the kernel's share of the CPU (sockets, syscalls), which instruction counts leave out`,
    `server start-up: ${server.startupMs.toFixed(0)} ms`,
    '',
    rowsTable(rows, specs),
    '',
    ...loginFloodLines(flood),
  ];
  if (big) {
    out.push(
      '',
      `with ${big.keysInDatabase} API keys in the database: start-up ${big.startupMs.toFixed(0)} ms (control ${big.controlStartupMs.toFixed(0)} ms), ${config.bigDurationSec} s per row`,
      `vs control = over the same rows on a copy of the database without the extra keys, served at the same time and measured in the same rounds`,
      bigTable(big),
    );
  } else {
    out.push('', '100,000-keys scenario skipped (BENCH_SKIP_100K)');
  }
  out.push('', ...eventsLines(eventsBig, plans));
  out.push(
    '',
    several
      ? 'PostgreSQL + Redis against SQLite, the same rows in the same rounds (CPU: the opsgate process only):'
      : 'PostgreSQL + Redis rows skipped (BENCH_SKIP_SEVERAL)',
    ...(several ? severalLines(several) : []),
    '',
    `heap bytes per entry (${memory.entries} entries): ${Object.entries(memory)
      .filter(([name]) => name !== 'entries')
      .map(([name, bytes]) => `${name} ${bytes}`)
      .join(', ')}`,
    '',
    ...ipFloodLines([ipFlood]),
  );
  out.push(
    '',
    targetsTable(list),
    '',
    failures.length > 0
      ? `ROWS IN ERROR (exit status 1):\n  ${failures.join('\n  ')}`
      : 'no row in error',
    '',
    `JSON: ${file}`,
    ...(SMOKE ? [] : [JSON.stringify(results, null, 2)]),
  );
  process.stdout.write(`${out.join('\n')}\n`);
  // Targets are reported, never enforced; a row that errors fails the run.
  if (failures.length > 0) process.exitCode = 1;
}

/**
 * `--baseline <commit>`: this build against another commit's, the same rows
 * in the same interleaved rounds, with the bare floor beside them.
 */
async function compareMain(tempDir: string, baseline: Baseline): Promise<void> {
  const config = loadBenchConfig();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const result = await compareBuilds(config, tempDir, baseline);
  const list = compareTargets(result);
  const failures = compareFailures(result);
  const file = writeResults('bench-compare', {
    mode: 'compare',
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    machine: machine(loadBefore),
    config,
    ...result,
    targets: list,
    failures,
  });
  const out = [
    '',
    `opsgate bench against a baseline build: ${config.connections} connections; per row ${config.warmupSec} s warm-up, then ${config.durationSec} s measured in ${config.rounds} interleaved rounds`,
    '',
    rowsTable(result.rows, result.specs),
    '',
    ...compareLines(result),
    '',
    targetsTable(list),
    '',
    failures.length > 0
      ? `ROWS IN ERROR (exit status 1):\n  ${failures.join('\n  ')}`
      : 'no row in error',
    '',
    `JSON: ${file}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

/** BENCH_MODE=instructions: the server's instructions per request, counted by callgrind. */
async function instructionsMain(
  tempDir: string,
  baseline: Baseline | null,
): Promise<void> {
  const config = loadInstructionConfig();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const run = await measureInstructions(
    config,
    tempDir,
    join(RESULTS_DIR, `callgrind-${STAMP}`),
    baseline,
  );
  const list = instructionTargets(run.rows, run.noise, run.specs);
  const results = {
    mode: 'instructions',
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    machine: { ...machine(loadBefore), valgrind: run.valgrind },
    config,
    server_env: run.serverEnv,
    server_startup_ms: run.serverStartupMs,
    rows: run.rows,
    noise_floor: run.noise,
    targets: list,
    function_deltas: run.deltas,
    dumps: run.dumpsDir,
  };
  const file = writeResults('bench-instructions', results);
  const out: string[] = [
    '',
    'opsgate bench, INSTRUCTIONS mode: instructions the server executes per request, counted by callgrind',
    `node ${config.nodeFlags.join(' ') || '(no flags)'}; server env ${Object.entries(
      run.serverEnv,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
    `per row ${config.warmupPasses} x ${config.warmupRequests} requests interleaved warm-up (instrumentation off), then ${config.rounds} interleaved rounds of ${config.requests} requests, ${config.connections} connections`,
    ...(config.extraKeys > 0
      ? [`with ${config.extraKeys} extra API keys in the database`]
      : []),
    `k/req: thousands of instructions per request, median over the rounds, every server thread; +/-: half the rounds' spread; x row1: over row 1's median`,
    `compile, gc: thousands per request in V8's compilers and collector (all threads, by function name); rounds x row1: each round's window over row 1's in that round`,
    '',
    instructionsTable(run.rows),
    '',
    ...noiseLines(run.noise),
    '',
    ...deltaLines(run.deltas),
    '',
    targetsTable(list),
    '',
    ...(run.dumpsDir ? [`callgrind dumps: ${run.dumpsDir}`] : []),
    `JSON: ${file}`,
    JSON.stringify(results, null, 2),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The temporary directory goes away: show the end of each child's log first. */
function printLogs(tempDir: string): void {
  for (const name of readdirSync(tempDir).filter((f) => f.endsWith('.log'))) {
    const lines = readFileSync(join(tempDir, name), 'utf8')
      .trimEnd()
      .split('\n');
    progress(`--- last lines of ${name}:\n${lines.slice(-30).join('\n')}`);
  }
}

function removeTemp(tempDir: string): void {
  rmSync(tempDir, { recursive: true, force: true });
}

const tempDir = mkdtempSync(join(tmpdir(), 'opsgate-bench-'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    killAll();
    removeTemp(tempDir);
    process.exit(130);
  });
}

/** BENCH_MODE=ipflood: only the RSS of the ip flood, on this build and the baseline's. */
async function ipFloodMain(
  tempDir: string,
  baseline: Baseline | null,
): Promise<void> {
  const size = ipFloodSize();
  const results = [];
  if (baseline) {
    results.push(
      await ipFloodRss(tempDir, `baseline ${baseline.rev}`, {
        ...size,
        root: baseline.root,
      }),
    );
  }
  results.push(await ipFloodRss(tempDir, 'this build', size));
  const file = writeResults('bench-ipflood', { mode: 'ipflood', results });
  process.stdout.write(
    `${['', ...ipFloodLines(results), '', `JSON: ${file}`].join('\n')}\n`,
  );
}

async function dispatch(): Promise<void> {
  const rev = baselineArg();
  const baseline = rev ? await buildBaseline(rev) : null;
  if (benchMode() === 'ipflood') return ipFloodMain(tempDir, baseline);
  if (benchMode() === 'instructions')
    return instructionsMain(tempDir, baseline);
  return baseline ? compareMain(tempDir, baseline) : main(tempDir);
}

Promise.resolve()
  .then(dispatch)
  .catch((error: unknown) => {
    progress(
      `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
    printLogs(tempDir);
  })
  .finally(async () => {
    await stopAll().catch(() => killAll());
    removeTemp(tempDir);
  });
