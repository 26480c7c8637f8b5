import Redis from 'ioredis';
import { Client } from 'pg';
import { BenchConfig, progress } from './config';
import { cpuBetween, sampleCpu } from './cpu';
import { fire, type RowSpec, type Target } from './load';

/**
 * What one request costs Redis and PostgreSQL (capacity inputs,
 * docs/capacity.md): Redis commands (round trips) and CPU, from its INFO;
 * the CPU of the instance's PostgreSQL backends, from /proc; measured over
 * one window per row after the interleaved rounds.
 */
export interface BackendCost {
  id: string;
  label: string;
  requests: number;
  /** Every command Redis ran, those inside scripts included. */
  redisCommandsPerReq: number;
  /** Script calls (EVALSHA/EVAL): each one round trip. */
  redisScriptsPerReq: number;
  redisCpuUsPerReq: number;
  /** Backends (pool connections) the instance held open at the end. */
  pgBackends: number;
  pgCpuUsPerReq: number;
}

async function redisInfo(redis: Redis) {
  const text = `${await redis.info('stats')}\n${await redis.info('cpu')}\n${await redis.info('commandstats')}`;
  const field = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? NaN);
  const calls = (command: string) =>
    Number(
      new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(text)?.[1] ?? 0,
    );
  return {
    commands: field('total_commands_processed'),
    scripts: calls('evalsha') + calls('eval'),
    cpuUs: (field('used_cpu_user') + field('used_cpu_sys')) * 1e6,
  };
}

async function backendPids(pg: Client, database: string): Promise<number[]> {
  const { rows } = await pg.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1',
    [database],
  );
  return rows.map((row) => row.pid);
}

const cpuOf = (pids: number[]) =>
  pids.map((pid) => {
    try {
      return { pid, sample: sampleCpu(pid) };
    } catch {
      return null;
    }
  });

/** One window of load per row, with Redis's and the backends' counters read around it. */
export async function backendCosts(
  rows: { spec: RowSpec; target: Target; database: string }[],
  redisUrl: string,
  pgUrl: string,
  config: BenchConfig,
): Promise<BackendCost[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  const pg = new Client({ connectionString: pgUrl });
  await Promise.all([redis.connect(), pg.connect()]);
  try {
    const out: BackendCost[] = [];
    for (const { spec, target, database } of rows) {
      progress(`backend costs: ${spec.label}`);
      const pids = await backendPids(pg, database);
      const before = cpuOf(pids);
      const infoBefore = await redisInfo(redis);
      const raw = await fire(
        spec,
        target,
        { connections: config.connections },
        { seconds: Math.max(0.2, config.durationSec / 2) },
      );
      const infoAfter = await redisInfo(redis);
      let pgNs = 0;
      for (const entry of before) {
        if (!entry) continue;
        try {
          pgNs += cpuBetween(entry.sample, sampleCpu(entry.pid)).ns;
        } catch {
          // The backend ended during the window.
        }
      }
      const requests = raw.totalCompletedRequests;
      out.push({
        id: spec.id,
        label: spec.label,
        requests,
        // The two INFO calls of the reading itself are not the server's.
        redisCommandsPerReq:
          (infoAfter.commands - infoBefore.commands - 3) / requests,
        redisScriptsPerReq: (infoAfter.scripts - infoBefore.scripts) / requests,
        redisCpuUsPerReq: (infoAfter.cpuUs - infoBefore.cpuUs) / requests,
        pgBackends: (await backendPids(pg, database)).length,
        pgCpuUsPerReq: pgNs / 1000 / requests,
      });
    }
    return out;
  } finally {
    redis.disconnect();
    await pg.end();
  }
}

export function backendLines(costs: BackendCost[]): string[] {
  return [
    'what each request costs Redis and PostgreSQL (one window per row; Redis: script calls (a round trip each), commands (those in scripts too) and CPU, from INFO; PostgreSQL: its backends for this instance, CPU from /proc):',
    ...costs.map(
      (c) =>
        `  ${c.label.padEnd(96)} Redis ${c.redisScriptsPerReq.toFixed(2)} scripts, ${c.redisCommandsPerReq.toFixed(2)} commands in all, ${c.redisCpuUsPerReq.toFixed(1)} µs CPU; PostgreSQL ${c.pgCpuUsPerReq.toFixed(1)} µs CPU over ${c.pgBackends} connections`,
    ),
  ];
}
