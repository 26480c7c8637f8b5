import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Fixture, call, expectStatus } from './api';
import { BenchConfig, progress } from './config';
import type { RowResult, RowSpec } from './load';
import { startServer, stop } from './processes';
import { checkFixture, measureRows } from './rows';
import { type EventSeed, seedEvents, withDataSource } from './seed';

/** Issue 15's scoped events list, with the public route beside it, on a bigger table. */
export interface BigEventsResult {
  events: number;
  inScope: number;
  rows: RowResult[];
  /** The events row's CPU per request over the public route's, same rounds. */
  ratio: number;
}

/** The path every events measurement and plan uses. */
export const EVENTS_PATH = '/api/events?limit=100';

/**
 * Grows the (stopped) server's events table to `config.bigEvents`, then
 * measures the public route and the scoped events list in the same rounds.
 */
export async function bigEvents(
  config: BenchConfig,
  dbPath: string,
  tempDir: string,
  specs: RowSpec[],
  fixture: Fixture,
  seed: EventSeed & { inserted: number },
): Promise<BigEventsResult> {
  const count = config.bigEvents - seed.inserted;
  progress(`events: adding ${count} events (${config.bigEvents} in all)`);
  const seeded = await seedEvents(dbPath, { ...seed, count });
  const server = await startServer(dbPath, tempDir, { name: 'server-events' });
  try {
    await checkFixture(server.port, fixture, seeded.main);
    const pair = specs
      .filter((spec) => spec.id === '1' || spec.id === '5')
      .map((spec) => ({
        ...spec,
        label: `${spec.label}, ${config.bigEvents} events`,
      }));
    const rows = await measureRows(
      pair,
      () => server,
      config,
      config.durationSec,
    );
    const [base, events] = rows;
    return {
      events: config.bigEvents,
      inScope: seeded.main,
      rows,
      ratio: events.cpuUsPerReq / base.cpuUsPerReq,
    };
  } finally {
    await stop(server);
  }
}

interface Statement {
  sql: string;
  parameters: unknown[];
}

/** The plan of the statement the app sends for the scoped events list. */
export interface QueryPlan {
  path: string;
  sql: string;
  parameters: unknown[];
  plan: string[];
}

/**
 * Starts a server that logs its statements (sql-log.ts), asks it once for
 * the scoped events list, and has SQLite explain that very statement.
 */
export async function queryPlans(
  dbPath: string,
  tempDir: string,
  fixture: Fixture,
): Promise<QueryPlan[]> {
  const log = join(tempDir, 'statements.jsonl');
  const server = await startServer(dbPath, tempDir, {
    name: 'server-sql-log',
    nodeArgs: [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      join(__dirname, 'sql-log.ts'),
    ],
    env: { BENCH_SQL_LOG: log },
  });
  try {
    await expectStatus(
      call(server.port, 'GET', EVENTS_PATH, {
        'x-api-key': fixture.categoryKey,
      }),
      200,
      'events for the query plan',
    );
  } finally {
    await stop(server);
  }
  const statements = readFileSync(log, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Statement);
  const lists = statements.filter(
    (s) => /FROM "events"/.test(s.sql) && /COUNT\(\*\)/.test(s.sql),
  );
  if (lists.length === 0) {
    throw new Error(
      'query plan: the events list sent no statement with a count',
    );
  }
  const { sql, parameters } = lists[lists.length - 1];
  const plan = await withDataSource(dbPath, (dataSource) =>
    dataSource.query<{ id: number; parent: number; detail: string }[]>(
      `EXPLAIN QUERY PLAN ${sql}`,
      parameters,
    ),
  );
  return [{ path: EVENTS_PATH, sql, parameters, plan: indented(plan) }];
}

/** EXPLAIN QUERY PLAN's rows as the sqlite3 shell shows them: indented under their parent. */
function indented(rows: { id: number; parent: number; detail: string }[]) {
  const depth = new Map<number, number>([[0, 0]]);
  return rows.map((row) => {
    const level = (depth.get(row.parent) ?? 0) + 1;
    depth.set(row.id, level);
    return `${'  '.repeat(level)}${row.detail}`;
  });
}

export function eventsLines(
  big: BigEventsResult | null,
  plans: QueryPlan[],
): string[] {
  const out: string[] = [];
  if (big) {
    out.push(
      `scoped events list with ${big.events} events in the table (${big.inScope} in the key's category), measured beside the public route:`,
      ...big.rows.map(
        (row) =>
          `  ${row.label}: ${row.cpuUsPerReq.toFixed(1)} us CPU/req, ${row.reqPerSec.toFixed(0)} req/s, p99 ${row.p99Ms.toFixed(1)} ms`,
      ),
      `  CPU x public route: ${big.ratio.toFixed(2)} (target at 10,000 events: <= 4)`,
    );
  }
  for (const plan of plans) {
    out.push(
      `query plan of GET ${plan.path} with a key scoped to one category (EXPLAIN QUERY PLAN of the statement the server sent):`,
      `  ${plan.sql}`,
      `  parameters ${JSON.stringify(plan.parameters)}`,
      ...plan.plan,
    );
  }
  return out;
}
