import { join } from 'node:path';
import { type Fixture, addKeys, prepare, publicHeaders } from './api';
import type { Baseline } from './baseline';
import { BASE_ENV, BenchConfig, progress } from './config';
import { type RowResult, type RowSpec, median } from './load';
import { Child, startBareServer, startServer, stop } from './processes';
import type { Target } from './report';
import { checkFixture, measureRows, rowFailures, rowSpecs } from './rows';

/** Prefix of a baseline twin's row id: `base-2` is row 2 on the baseline build. */
export const TWIN = 'base-';

/** The bare node:http row: measured once, the floor of both builds. */
const FLOOR_ID = '6';

/** Issue 26's rows unless BENCH_ROWS says otherwise. */
const DEFAULT_ROWS = ['1', '2', '3', FLOOR_ID];

/** Keys in each database while measuring: issue 26 judges the key row at 10. */
export const KEYS = 10;

/** BENCH_ROWS: comma-separated row ids of rows.ts. */
export function compareRowIds(fallback = DEFAULT_ROWS): string[] {
  const raw = BASE_ENV.BENCH_ROWS?.trim();
  return raw
    ? raw
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean)
    : fallback;
}

/** The rows to compare, current build and baseline twin side by side. */
export function pairedSpecs(
  ids: string[],
  now: Fixture,
  base: Fixture,
  { floor = true } = {},
): RowSpec[] {
  const nowSpecs = rowSpecs(now);
  const baseSpecs = rowSpecs(base);
  const unknown = ids.filter((id) => !nowSpecs.some((s) => s.id === id));
  if (unknown.length > 0)
    throw new Error(`BENCH_ROWS: no row ${unknown.join(', ')}`);
  return ids.flatMap((id) => {
    const spec = nowSpecs.find((s) => s.id === id)!;
    if (id === FLOOR_ID) return floor ? [spec] : [];
    const twin = baseSpecs.find((s) => s.id === id)!;
    return [
      spec,
      { ...twin, id: `${TWIN}${id}`, label: `${twin.label} [baseline]` },
    ];
  });
}

export interface Comparison {
  id: string;
  label: string;
  now: RowResult;
  base: RowResult;
  /** CPU per request over the baseline's: totals over every round. */
  ratio: number;
  /** Each round's ratio (the two windows ran one after the other). */
  roundsRatio: number[];
  /** Over the floor row's CPU per request, this build and the baseline. */
  nowOverFloor: number;
  baseOverFloor: number;
  maxRatio?: number;
}

export interface CompareResult {
  baseline: Baseline;
  keys: number;
  specs: RowSpec[];
  rows: RowResult[];
  comparisons: Comparison[];
  floor: RowResult | null;
}

/** A server of each build on its own database, fixtures made through each one's API. */
async function startPair(tempDir: string, baseline: Baseline) {
  const now = await startServer(join(tempDir, 'now.sqlite'), tempDir, {
    name: 'server-now',
  });
  const base = await startServer(join(tempDir, 'base.sqlite'), tempDir, {
    name: 'server-baseline',
    root: baseline.root,
  });
  const fixtures = [];
  for (const server of [now, base]) {
    const fixture = await prepare(server.port);
    await addKeys(server.port, fixture, KEYS);
    await checkFixture(server.port, fixture);
    fixtures.push(fixture);
  }
  return { now, base, nowFixture: fixtures[0], baseFixture: fixtures[1] };
}

/**
 * `npm run bench -- --baseline <commit>`: this build and the baseline's,
 * each on its own database with the same fixtures and 10 keys, and the bare
 * floor, measured in the same interleaved rounds (each row, then its twin on
 * the baseline): the machine's noise hits both alike.
 */
export async function compareBuilds(
  config: BenchConfig,
  tempDir: string,
  baseline: Baseline,
): Promise<CompareResult> {
  const servers: Child[] = [];
  try {
    const pair = await startPair(tempDir, baseline);
    servers.push(pair.now, pair.base);
    const floor = await startBareServer(
      tempDir,
      await publicHeaders(pair.now.port),
    );
    servers.push(floor);
    const specs = pairedSpecs(
      compareRowIds(),
      pair.nowFixture,
      pair.baseFixture,
    );
    progress(
      `comparing with ${baseline.rev}: ${specs.map((s) => s.id).join(', ')}`,
    );
    const rows = await measureRows(
      specs,
      (spec) =>
        spec.id === FLOOR_ID
          ? floor
          : spec.id.startsWith(TWIN)
            ? pair.base
            : pair.now,
      config,
      config.durationSec,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const floorRow = byId.get(FLOOR_ID) ?? null;
    const perReq = (row: RowResult | null | undefined) =>
      row?.cpuUsPerReq ?? NaN;
    const comparisons = specs
      .filter((spec) => byId.has(`${TWIN}${spec.id}`))
      .map((spec): Comparison => {
        const now = byId.get(spec.id)!;
        const base = byId.get(`${TWIN}${spec.id}`)!;
        return {
          id: spec.id,
          label: spec.label,
          now,
          base,
          ratio: now.cpuUsPerReq / base.cpuUsPerReq,
          roundsRatio: now.roundsCpuUsPerReq.map(
            (value, i) => value / base.roundsCpuUsPerReq[i],
          ),
          nowOverFloor: now.cpuUsPerReq / perReq(floorRow),
          baseOverFloor: base.cpuUsPerReq / perReq(floorRow),
          maxRatio: spec.maxBaselineRatio,
        };
      });
    return { baseline, keys: KEYS, specs, rows, comparisons, floor: floorRow };
  } finally {
    await Promise.all(servers.map((server) => stop(server)));
  }
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

export function compareLines(result: CompareResult): string[] {
  const { baseline } = result;
  const floor = result.floor;
  return [
    `this build against ${baseline.rev} (${baseline.commit.slice(0, 12)}), ${result.keys} keys in each database; CPU: the server process's, µs per request; x: this build over the baseline (totals; rounds: each round's pair)`,
    '| row | request | now µs | baseline µs | now / baseline | rounds | median round | now × floor | baseline × floor | target |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---|',
    ...result.comparisons.map(
      (c) =>
        `| ${c.id} | ${c.label} | ${fixed(c.now.cpuUsPerReq, 1)} | ${fixed(c.base.cpuUsPerReq, 1)} | ${fixed(c.ratio, 3)} | ${c.roundsRatio.map((r) => fixed(r, 2)).join(' ')} | ${fixed(median(c.roundsRatio), 3)} | ${fixed(c.nowOverFloor, 2)} | ${fixed(c.baseOverFloor, 2)} | ${c.maxRatio === undefined ? '' : `≤ ${c.maxRatio}`} |`,
    ),
    ...(floor
      ? [
          `| ${floor.id} | ${floor.label} | ${fixed(floor.cpuUsPerReq, 1)} | | | | | 1.00 | | |`,
        ]
      : []),
  ];
}

export function compareTargets(result: CompareResult): Target[] {
  return result.comparisons
    .filter((c) => c.maxRatio !== undefined)
    .map((c) => ({
      name: `row ${c.id} CPU/req <= ${c.maxRatio} x ${result.baseline.rev}`,
      actual: `x ${fixed(c.ratio, 3)} (median round ${fixed(median(c.roundsRatio), 3)})`,
      limit: `<= x ${c.maxRatio}`,
      pass: c.ratio <= c.maxRatio!,
      note: 'issue 26',
    }));
}

export function compareFailures(result: CompareResult): string[] {
  return result.specs.flatMap((spec) => {
    const row = result.rows.find((r) => r.id === spec.id);
    return row ? rowFailures(spec, row) : [`row ${spec.id}: not measured`];
  });
}
