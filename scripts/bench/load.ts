import autocannon from 'autocannon';
import { CpuDelta, cpuBetween, sampleCpu } from './cpu';

/** One line of the table: a request, sent by many connections to one process. */
export interface RowSpec {
  id: string;
  label: string;
  path: string;
  headers?: Record<string, string>;
  /** Headers made anew for every request (over `headers`): a different credential each time. */
  freshHeaders?: () => Record<string, string>;
  /** The status every response should have. */
  expectStatus: number;
  extra?: boolean;
  /**
   * Rows measured together, in the same interleaved rounds, beside their
   * group's own public baseline: a row that leaves garbage or swept state
   * behind (the floods) never lands it in the guarded rows' baseline.
   */
  group?: RowGroup;
  /** The public route of its group: what the group's other rows are compared with. */
  baseline?: boolean;
  /** Target: CPU per request at most this many times the baseline's. */
  maxCpuRatio?: number;
  /** Target: requests per second at least this share of the baseline's. */
  minRateRatio?: number;
  /** Target with `--baseline`: CPU (or instructions) per request at most this many times the baseline build's. */
  maxBaselineRatio?: number;
  /** Where the target comes from (an issue). */
  source?: string;
  /** Statuses that are not the expected one but not a failure either (the flood's 401s before it trips). */
  tolerate?: number[];
}

export type RowGroup = 'guarded' | 'floods';

export interface Target {
  port: number;
  /** The process whose CPU the row is charged to. */
  pid: number;
}

export interface LoadOptions {
  connections: number;
  /** Seconds after which a request counts as timed out (default 10). */
  timeoutSec?: number;
}

/** How long one run of load lasts: a time, or a fixed number of requests. */
export type Span = { seconds: number } | { requests: number };

/** One measured window of one row. */
export interface Round {
  raw: autocannon.RawResult;
  cpu: CpuDelta;
  wallNs: number;
}

export interface RowResult {
  id: string;
  label: string;
  extra: boolean;
  rounds: number;
  requests: number;
  durationSec: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Responses whose status is not the expected one, plus errors and timeouts. */
  unexpected: number;
  statusCodes: Record<string, number>;
  /** Server CPU over every round / every request of every round. */
  cpuUsPerReq: number;
  /** The median of the rounds' CPU/req: less swayed by one disturbed round. */
  cpuUsPerReqMedian: number;
  /** Half the spread of the rounds' CPU/req, relative to the mean: a noise estimate. */
  cpuSpread: number;
  roundsCpuUsPerReq: number[];
  roundsReqPerSec: number[];
  cpuNs: number;
  cpuSources: string[];
  /** The process's share of one core during the windows. */
  cpuUtilisation: number;
  /** The kernel's share of the CPU (stime over utime + stime): sockets and syscalls, which callgrind does not count. */
  systemShare: number;
  /** Bytes received per response, headers included. */
  bytesPerResponse: number;
  /** Connection errors and timeouts. */
  errors: number;
  group?: RowGroup;
}

function options(
  row: RowSpec,
  target: Target,
  load: LoadOptions,
): autocannon.Options {
  const { freshHeaders } = row;
  return {
    url: `http://127.0.0.1:${target.port}${row.path}`,
    headers: row.headers,
    connections: load.connections,
    timeout: load.timeoutSec ?? 10,
    ...(freshHeaders && {
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, ...freshHeaders() },
          }),
        },
      ],
    }),
  };
}

/** One run of load on one row: its raw result (requests, status codes, duration). */
export function fire(
  row: RowSpec,
  target: Target,
  load: LoadOptions,
  span: Span,
): Promise<autocannon.RawResult> {
  return new Promise((resolve, reject) =>
    autocannon(
      {
        ...options(row, target, load),
        ...('seconds' in span
          ? { duration: span.seconds }
          : { amount: span.requests }),
        skipAggregateResult: true,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
}

/** Load that is not counted: lets the JIT compile the request's whole path. */
export async function warmUp(
  row: RowSpec,
  target: Target,
  load: LoadOptions,
  span: Span,
): Promise<void> {
  await fire(row, target, load, span);
}

/** One window, with the target's CPU read just before and just after it. */
export async function measureRound(
  row: RowSpec,
  target: Target,
  load: LoadOptions,
  seconds: number,
): Promise<Round> {
  const before = sampleCpu(target.pid);
  const started = performance.now();
  const raw = await fire(row, target, load, { seconds });
  const wallNs = (performance.now() - started) * 1e6;
  return { raw, cpu: cpuBetween(before, sampleCpu(target.pid)), wallNs };
}

export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The responses of a row's runs by status code, and how many were not what the row expects. */
export function checkStatuses(
  row: RowSpec,
  raws: autocannon.RawResult[],
): { statusCodes: Record<string, number>; unexpected: number } {
  const statusCodes: Record<string, number> = {};
  for (const raw of raws) {
    for (const [code, stats] of Object.entries(raw.statusCodeStats)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + stats.count;
    }
  }
  const expected = statusCodes[String(row.expectStatus)] ?? 0;
  const answered = sum(Object.values(statusCodes));
  const failed = sum(raws.map((raw) => raw.errors + raw.timeouts));
  return { statusCodes, unexpected: answered - expected + failed };
}

/** The half-spread of some per-round values, relative to `reference`: a noise estimate. */
export function halfSpread(values: number[], reference: number): number {
  return (Math.max(...values) - Math.min(...values)) / 2 / reference;
}

/** A row's rounds as one line: totals over the rounds, latency percentiles over every request. */
export function combine(
  row: RowSpec,
  target: Target,
  load: LoadOptions,
  rounds: Round[],
): RowResult {
  const perRound = rounds.map((r) => ({
    cpuUsPerReq: r.cpu.ns / 1000 / r.raw.totalCompletedRequests,
    reqPerSec: r.raw.totalCompletedRequests / r.raw.duration,
  }));
  // aggregateResult sums status codes and errors into the first raw result: pass copies.
  const copies = rounds.map((r) => ({
    ...r.raw,
    statusCodeStats: structuredClone(r.raw.statusCodeStats),
  }));
  const all = autocannon.aggregateResult(copies, options(row, target, load));
  const requests = sum(rounds.map((r) => r.raw.totalCompletedRequests));
  const durationSec = sum(rounds.map((r) => r.raw.duration));
  const cpuNs = sum(rounds.map((r) => r.cpu.ns));
  const { statusCodes, unexpected } = checkStatuses(
    row,
    rounds.map((r) => r.raw),
  );
  const cpuUsPerReq = requests > 0 ? cpuNs / 1000 / requests : NaN;
  const cpus = perRound.map((r) => r.cpuUsPerReq);
  return {
    id: row.id,
    label: row.label,
    extra: row.extra ?? false,
    rounds: rounds.length,
    requests,
    durationSec,
    reqPerSec: requests / durationSec,
    p50Ms: all.latency.p50,
    p99Ms: all.latency.p99,
    non2xx: all.non2xx,
    unexpected,
    statusCodes,
    cpuUsPerReq,
    cpuUsPerReqMedian: median(cpus),
    cpuSpread: halfSpread(cpus, cpuUsPerReq),
    roundsCpuUsPerReq: cpus,
    roundsReqPerSec: perRound.map((r) => r.reqPerSec),
    cpuNs,
    cpuSources: [...new Set(rounds.map((r) => r.cpu.source))],
    cpuUtilisation: cpuNs / sum(rounds.map((r) => r.wallNs)),
    systemShare:
      sum(rounds.map((r) => r.cpu.systemNs)) /
      sum(rounds.map((r) => r.cpu.statNs)),
    bytesPerResponse: requests > 0 ? all.throughput.total / requests : NaN,
    errors: sum(rounds.map((r) => r.raw.errors + r.raw.timeouts)),
    group: row.group,
  };
}
