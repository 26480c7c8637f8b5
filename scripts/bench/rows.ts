import { randomInt } from 'node:crypto';
import { type Fixture, call, expectStatus, randomKey } from './api';
import { BenchConfig, progress } from './config';
import {
  LoadOptions,
  Round,
  RowResult,
  RowSpec,
  Span,
  Target,
  combine,
  measureRound,
  warmUp,
} from './load';

export const randomIp = () =>
  `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;

/**
 * Every row of `npm run bench`, with its target, in one table. Row 6 is sent
 * to the bare server. Two groups, each measured in its own interleaved
 * rounds beside its own copy of the public route: "guarded" (the rows
 * compared with a public request, issues 6 and 15) and "floods" (rows that
 * leave thousands of counters and cache entries behind, issue 9).
 */
export function rowSpecs(f: Fixture): RowSpec[] {
  const publicRoute = {
    path: '/api/health/live',
    expectStatus: 200,
    baseline: true,
  };
  return [
    {
      id: '1',
      label: 'GET /api/health/live (public, baseline)',
      group: 'guarded',
      maxBaselineRatio: 0.9,
      source: 'issue 26',
      ...publicRoute,
    },
    {
      id: '2',
      label: 'GET /api/me, X-API-Key',
      path: '/api/me',
      headers: { 'x-api-key': f.apiKey },
      expectStatus: 200,
      group: 'guarded',
      maxCpuRatio: 1 / 0.9,
      minRateRatio: 0.9,
      maxBaselineRatio: 0.8,
      source: 'issues 6, 15, 26',
    },
    {
      id: '3',
      label: 'GET /api/me, X-Session-ID (user)',
      path: '/api/me',
      headers: { 'x-session-id': f.sessionId },
      expectStatus: 200,
      group: 'guarded',
      maxCpuRatio: 1 / 0.9,
      minRateRatio: 0.9,
      maxBaselineRatio: 0.8,
      source: 'issues 6, 15, 26',
    },
    {
      id: 'cat',
      label: `GET /api/categories, X-API-Key, ${f.categories} categories`,
      path: '/api/categories',
      headers: { 'x-api-key': f.apiKey },
      expectStatus: 200,
      group: 'guarded',
      maxCpuRatio: 1.5,
      source: 'issue 15',
    },
    {
      id: '5',
      label: 'GET /api/events?limit=100, key scoped to one category',
      path: '/api/events?limit=100',
      headers: { 'x-api-key': f.categoryKey },
      expectStatus: 200,
      group: 'guarded',
      maxCpuRatio: 4,
      source: 'issue 15',
    },
    {
      id: '6',
      label: 'bare node:http, same headers and JSON (the floor)',
      path: '/api/health/live',
      expectStatus: 200,
      group: 'guarded',
    },
    {
      id: '1f',
      label: 'GET /api/health/live (public, baseline of the floods)',
      group: 'floods',
      ...publicRoute,
    },
    {
      id: '4',
      // Each from another client IP (TRUST_PROXY=loopback): one IP would reach
      // AUTH_FAILURE_LIMIT within a second and get 429s (the flood row).
      label: 'GET /api/me, unknown key (401), a new client IP each time',
      path: '/api/me',
      headers: { 'x-api-key': f.unknownKey },
      freshHeaders: () => ({ 'x-forwarded-for': randomIp() }),
      expectStatus: 401,
      group: 'floods',
      maxCpuRatio: 1 / 0.85,
      minRateRatio: 0.85,
      source: 'issue 6',
    },
    {
      id: 'flood',
      // From one IP: past AUTH_FAILURE_LIMIT (50 a minute) every one is a 429
      // answered without a database read (SPEC §7).
      label:
        'GET /api/me, a new unknown key each time (429 once over the limit)',
      path: '/api/me',
      freshHeaders: () => ({
        'x-api-key': randomKey(),
        'x-forwarded-for': '203.0.113.7',
      }),
      expectStatus: 429,
      tolerate: [401],
      group: 'floods',
      maxCpuRatio: 1.2,
      source: 'issue 9',
    },
  ];
}

/**
 * What makes a row an error (the bench then exits non-zero): connection
 * errors or timeouts, a status neither expected nor tolerated, or not one
 * expected answer.
 */
export function rowFailures(spec: RowSpec, row: RowResult): string[] {
  const out: string[] = [];
  if (row.errors > 0) out.push(`${row.errors} errors or timeouts`);
  const allowed = new Set([spec.expectStatus, ...(spec.tolerate ?? [])]);
  for (const [status, count] of Object.entries(row.statusCodes)) {
    if (!allowed.has(Number(status))) out.push(`${count} x ${status}`);
  }
  if (!row.statusCodes[String(spec.expectStatus)]) {
    out.push(`no ${spec.expectStatus} at all`);
  }
  return out.map((problem) => `row ${spec.id}: ${problem}`);
}

/** Each row's group baseline, by row id. */
export function baselines(rows: RowSpec[]): Map<string, string> {
  const baseOf = new Map(
    rows.filter((r) => r.baseline).map((r) => [r.group, r.id]),
  );
  return new Map(rows.map((r) => [r.id, baseOf.get(r.group) ?? '1']));
}

/**
 * One request of each credential row (status as the row expects), checked
 * before anything is measured; the events list only when events were seeded
 * (`expectedEvents`).
 */
export async function checkFixture(
  port: number,
  fixture: Fixture,
  expectedEvents?: number,
): Promise<void> {
  for (const row of rowSpecs(fixture)) {
    if (row.path !== '/api/me' || !row.headers) continue;
    await expectStatus(
      call(port, 'GET', row.path, row.headers),
      row.expectStatus,
      row.label,
    );
  }
  if (expectedEvents === undefined) return;
  const events = await expectStatus(
    call<{ items: unknown[]; total: number }>(
      port,
      'GET',
      '/api/events?limit=100',
      {
        'x-api-key': fixture.categoryKey,
      },
    ),
    200,
    'events with category key',
  );
  if (events.total !== expectedEvents || events.items.length !== 100) {
    throw new Error(
      `events: expected total ${expectedEvents} and a page of 100, got ${events.total} and ${events.items.length}`,
    );
  }
}

/** Unmeasured load on every row in turn. */
export async function warmUpRows(
  specs: RowSpec[],
  targetOf: (row: RowSpec) => Target,
  load: LoadOptions,
  span: Span,
): Promise<void> {
  for (const spec of specs) await warmUp(spec, targetOf(spec), load, span);
}

/**
 * `rounds` passes over the rows, each measuring every row once, so a slow
 * minute on the shared machine (or a drift of the server) spreads over every
 * row instead of landing on one. Answers each row's windows, in round order.
 */
export async function inRounds<T>(
  specs: RowSpec[],
  rounds: number,
  describe: string,
  measure: (spec: RowSpec, round: number) => Promise<T>,
): Promise<T[][]> {
  const windows = specs.map((): T[] => []);
  for (let round = 1; round <= rounds; round++) {
    progress(`round ${round}/${rounds}: ${specs.length} rows x ${describe}`);
    for (const [i, spec] of specs.entries()) {
      windows[i].push(await measure(spec, round));
    }
  }
  return windows;
}

export function warnUnexpected(
  row: RowSpec,
  check: { unexpected: number; statusCodes: Record<string, number> },
): void {
  if (check.unexpected > 0) {
    progress(
      `warning: row ${row.id}: ${check.unexpected} responses were not ${row.expectStatus}: ${JSON.stringify(check.statusCodes)}`,
    );
  }
}

/**
 * A warm-up of every row (not counted), then `rounds` passes over the rows, each
 * measuring every row for durationSec / rounds.
 */
export async function measureRows(
  specs: RowSpec[],
  targetOf: (row: RowSpec) => Target,
  config: BenchConfig,
  durationSec: number,
): Promise<RowResult[]> {
  const load = { connections: config.connections };
  progress(`warm-up: ${config.warmupSec} s per row`);
  await warmUpRows(specs, targetOf, load, { seconds: config.warmupSec });
  const slice = durationSec / config.rounds;
  const rounds: Round[][] = await inRounds(
    specs,
    config.rounds,
    `${slice.toFixed(2)} s`,
    (spec) => measureRound(spec, targetOf(spec), load, slice),
  );
  return specs.map((spec, i) => {
    const result = combine(spec, targetOf(spec), load, rounds[i]);
    warnUnexpected(spec, result);
    return result;
  });
}
