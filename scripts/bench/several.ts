import { join } from 'node:path';
import {
  adminQuery,
  startPostgres,
} from '../../test/integration/support/postgres-server';
import { startRedis } from '../../test/integration/support/redis-server';
import { prepare } from './api';
import { BackendCost, backendCosts, backendLines } from './backends';
import { BenchConfig, progress } from './config';
import type { RowResult, RowSpec } from './load';
import { Child, startServer, stop } from './processes';
import type { Target } from './report';
import { measureRows, rowFailures } from './rows';

/** PostgreSQL + Redis against SQLite, measured in the same interleaved rounds (issue 14). */
export interface SeveralResult {
  specs: RowSpec[];
  rows: RowResult[];
  /** CPU per request of a PostgreSQL + Redis row over its SQLite twin. */
  ratios: { id: string; label: string; ratio: number; target: number }[];
  /** Redis and PostgreSQL work per request of the PostgreSQL + Redis rows. */
  backends: BackendCost[];
}

const PAIRS = [
  { id: 'cached', label: 'GET /api/me, cached key', target: 1.1 },
  { id: 'limited', label: 'GET /api/me, rate-limited key', target: 1.3 },
  {
    id: 'uncached',
    label: 'GET /api/me, key verified against the database (AUTH_CACHE_TTL=0)',
    target: Infinity,
  },
];

/**
 * Three servers on SQLite and three on one PostgreSQL + Redis (the third
 * pair with AUTH_CACHE_TTL=0, so each request verifies the key against its
 * database). CPU is the opsgate process's own: Redis's and PostgreSQL's work
 * is not counted in it, so the uncached row's p99 is the figure to read there.
 */
export async function severalInstances(
  config: BenchConfig,
  tempDir: string,
): Promise<SeveralResult> {
  progress('several instances: starting PostgreSQL and redis-server');
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const servers: Child[] = [];
  try {
    const start = async (name: string, env: NodeJS.ProcessEnv, db?: string) => {
      if (db) await adminQuery(pg.url(), `CREATE DATABASE ${db}`);
      const server = await startServer(
        join(tempDir, `${name}.sqlite`),
        tempDir,
        {
          name,
          env: db
            ? { ...env, DATABASE_URL: pg.url(db), REDIS_URL: redis.url }
            : env,
        },
      );
      servers.push(server);
      return { server, fixture: await prepare(server.port) };
    };
    const sqlite = await start('sqlite', {});
    const shared = await start('shared', {}, 'bench_shared');
    const sqliteUncached = await start('sqlite-ttl0', { AUTH_CACHE_TTL: '0' });
    const sharedUncached = await start(
      'shared-ttl0',
      { AUTH_CACHE_TTL: '0' },
      'bench_ttl0',
    );
    const me = (id: string, key: string): Omit<RowSpec, 'label'> => ({
      id,
      path: '/api/me',
      headers: { 'x-api-key': key },
      expectStatus: 200,
    });
    const target = new Map<string, Child>();
    const specs: RowSpec[] = [];
    const add = (id: string, label: string, server: Child, key: string) => {
      specs.push({ ...me(id, key), label });
      target.set(id, server);
    };
    for (const [db, s, u] of [
      ['SQLite', sqlite, sqliteUncached],
      ['PostgreSQL + Redis', shared, sharedUncached],
    ] as const) {
      const tag = db === 'SQLite' ? 'sqlite' : 'shared';
      add(
        `${tag}-cached`,
        `${PAIRS[0].label}, ${db}`,
        s.server,
        s.fixture.apiKey,
      );
      add(
        `${tag}-limited`,
        `${PAIRS[1].label}, ${db}`,
        s.server,
        s.fixture.rateLimitedKey,
      );
      add(
        `${tag}-uncached`,
        `${PAIRS[2].label}, ${db}`,
        u.server,
        u.fixture.apiKey,
      );
    }
    const rows = await measureRows(
      specs,
      (spec) => target.get(spec.id)!,
      config,
      config.durationSec,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const session = (
      id: string,
      label: string,
      server: Child,
      sid: string,
    ) => ({
      spec: {
        id,
        label,
        path: '/api/me',
        headers: { 'x-session-id': sid },
        expectStatus: 200,
      },
      target: server,
    });
    const backends = await backendCosts(
      [
        ...specs
          .filter((spec) => spec.id.startsWith('shared-'))
          .map((spec) => ({
            spec,
            target: target.get(spec.id)!,
            database:
              spec.id === 'shared-uncached' ? 'bench_ttl0' : 'bench_shared',
          })),
        {
          ...session(
            'shared-session',
            'GET /api/me, cached session, PostgreSQL + Redis',
            shared.server,
            shared.fixture.sessionId,
          ),
          database: 'bench_shared',
        },
        {
          ...session(
            'shared-session-uncached',
            'GET /api/me, session verified against the database (AUTH_CACHE_TTL=0), PostgreSQL + Redis',
            sharedUncached.server,
            sharedUncached.fixture.sessionId,
          ),
          database: 'bench_ttl0',
        },
      ],
      redis.url,
      pg.url(),
      config,
    );
    return {
      backends,
      specs,
      rows,
      ratios: PAIRS.map((pair) => ({
        ...pair,
        ratio:
          byId.get(`shared-${pair.id}`)!.cpuUsPerReq /
          byId.get(`sqlite-${pair.id}`)!.cpuUsPerReq,
      })),
    };
  } finally {
    await Promise.all(servers.map((s) => stop(s)));
    await Promise.all([redis.stop(), pg.stop()]);
  }
}

/** The targets of issue 14, for the bench's targets table. */
export function severalTargets(result: SeveralResult): Target[] {
  return result.ratios
    .filter((r) => r.target !== Infinity)
    .map((r) => ({
      name: `${r.label}: PostgreSQL + Redis CPU/req <= ${r.target} x SQLite`,
      actual: `x ${r.ratio.toFixed(2)}`,
      limit: `<= x ${r.target}`,
      pass: r.ratio <= r.target,
      note: 'issue 14',
    }));
}

/** Rows that answered errors or unexpected statuses. */
export function severalFailures(result: SeveralResult): string[] {
  return result.specs.flatMap((spec) => {
    const row = result.rows.find((r) => r.id === spec.id);
    return row ? rowFailures(spec, row) : [`row ${spec.id}: not measured`];
  });
}

/** The report's lines: every row, then each PostgreSQL + Redis row against SQLite. */
export function severalLines(result: SeveralResult): string[] {
  const lines = result.rows.map(
    (r) =>
      `  ${r.label.padEnd(96)} ${r.cpuUsPerReq.toFixed(0).padStart(6)} µs CPU/req  p99 ${r.p99Ms.toFixed(1)} ms  ${r.reqPerSec.toFixed(0)} req/s`,
  );
  lines.push(...backendLines(result.backends));
  for (const r of result.ratios) {
    const verdict =
      r.target === Infinity
        ? 'reported'
        : r.ratio <= r.target
          ? 'met'
          : 'NOT met';
    const goal =
      r.target === Infinity ? '' : ` (target ≤ ${r.target}×: ${verdict})`;
    lines.push(
      `  ${r.label}: PostgreSQL + Redis / SQLite CPU = ${r.ratio.toFixed(2)}×${goal}`,
    );
  }
  return lines;
}
