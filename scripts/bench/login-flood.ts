import type autocannon from 'autocannon';
import { Worker } from 'node:worker_threads';
import { call } from './api';
import { progress } from './config';

/** p99 of one probe, alone and beside a login flood. */
export interface ProbeResult {
  label: string;
  p99AloneMs: number;
  p99FloodedMs: number;
  ratio: number;
}

export interface FloodVariant {
  from: 'one IP' | 'a new IP each login';
  logins: number;
  statusCodes: Record<string, number>;
  probes: ProbeResult[];
}

export interface LoginFloodResult {
  connections: number;
  seconds: number;
  variants: FloodVariant[];
}

interface Probe {
  label: string;
  path: string;
  headers: Record<string, string>;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};

/** One request after another until `until`, 20 ms apart, as a health checker would; latencies in ms. */
async function probe(port: number, p: Probe, until: number): Promise<number[]> {
  const latencies: number[] = [];
  while (performance.now() < until) {
    const started = performance.now();
    const reply = await call(port, 'GET', p.path, p.headers);
    if (reply.status !== 200) throw new Error(`${p.label}: ${reply.status}`);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

/** What the flood's worker reports: enough for the table, and cloneable. */
interface FloodCount {
  totalCompletedRequests: number;
  statusCodeStats: autocannon.RawResult['statusCodeStats'];
}

/**
 * The flood's load generator, in a worker thread of its own: run on the
 * probes' event loop, 16 connections of autocannon delayed the probes'
 * own responses by tens of milliseconds, and the bench counted that as the
 * server's latency. A health checker is another process.
 */
const FLOOD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomInt } = require('node:crypto');
const autocannon = require(workerData.autocannon);
const { port, connections, seconds, manyIps } = workerData;
const ip = () =>
  manyIps
    ? '10.' + randomInt(256) + '.' + randomInt(256) + '.' + randomInt(256)
    : '203.0.113.9';
autocannon(
  {
    url: 'http://127.0.0.1:' + port + '/api/sessions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    skipAggregateResult: true,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'x-forwarded-for': ip() },
          body: JSON.stringify({
            username: 'flood-' + randomInt(1e9),
            password: 'not-the-password',
          }),
        }),
      },
    ],
  },
  (error, result) =>
    parentPort.postMessage(
      error
        ? { error: String(error) }
        : {
            totalCompletedRequests: result.totalCompletedRequests,
            statusCodeStats: result.statusCodeStats,
          },
    ),
);
`;

/**
 * `connections` connections logging in as random usernames for `seconds`,
 * from one IP or each from another. The server trusts loopback's
 * X-Forwarded-For. From many IPs the per-IP login limit does not engage:
 * what holds the probes then is the cap on hashes at once.
 */
function flood(
  port: number,
  connections: number,
  seconds: number,
  manyIps: boolean,
): Promise<FloodCount> {
  const worker = new Worker(FLOOD_WORKER, {
    eval: true,
    workerData: {
      autocannon: require.resolve('autocannon'),
      port,
      connections,
      seconds,
      manyIps,
    },
  });
  return new Promise<FloodCount>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: FloodCount | { error: string }) =>
      'error' in message ? reject(new Error(message.error)) : resolve(message),
    );
  }).finally(() => void worker.terminate());
}

/**
 * The issue-9 login flood: p99 of a valid key's list and of /api/health,
 * probed alone and then while `connections` connections send logins with
 * random usernames from another thread (target: within 5× of alone).
 */
export async function loginFlood(
  port: number,
  apiKey: string,
  connections: number,
  seconds: number,
): Promise<LoginFloodResult> {
  const probes: Probe[] = [
    {
      label: 'GET /api/categories, API key',
      path: '/api/categories',
      headers: { 'x-api-key': apiKey },
    },
    { label: 'GET /api/health', path: '/api/health', headers: {} },
  ];
  const runProbes = (until: number) =>
    Promise.all(probes.map((p) => probe(port, p, until)));
  progress(`login flood: probes alone for ${seconds} s`);
  const alone = await runProbes(performance.now() + seconds * 1000);
  const variants: FloodVariant[] = [];
  for (const manyIps of [false, true]) {
    const from = manyIps ? 'a new IP each login' : 'one IP';
    progress(
      `login flood from ${from}: ${connections} connections for ${seconds} s`,
    );
    const [result, flooded] = await Promise.all([
      flood(port, connections, seconds, manyIps),
      runProbes(performance.now() + seconds * 1000),
    ]);
    variants.push({
      from,
      logins: result.totalCompletedRequests,
      statusCodes: Object.fromEntries(
        Object.entries(result.statusCodeStats).map(([code, s]) => [
          code,
          s.count,
        ]),
      ),
      probes: probes.map((p, i) => {
        const p99AloneMs = percentile(alone[i], 0.99);
        const p99FloodedMs = percentile(flooded[i], 0.99);
        return {
          label: p.label,
          p99AloneMs,
          p99FloodedMs,
          ratio: p99FloodedMs / p99AloneMs,
        };
      }),
    });
  }
  return { connections, seconds, variants };
}

export function loginFloodLines(r: LoginFloodResult): string[] {
  return [
    `login flood: ${r.connections} connections of random usernames, ${r.seconds} s each; probes one request at a time, 20 ms apart`,
    '| flood from | logins (statuses) | probe | p99 alone ms | p99 during ms | × (target ≤ 5) |',
    '|---|---|---|---:|---:|---:|',
    ...r.variants.flatMap((v) =>
      v.probes.map(
        (p) =>
          `| ${v.from} | ${v.logins} ${JSON.stringify(v.statusCodes)} | ${p.label} | ${p.p99AloneMs.toFixed(1)} | ${p.p99FloodedMs.toFixed(1)} | ${p.ratio.toFixed(2)} |`,
      ),
    ),
  ];
}
