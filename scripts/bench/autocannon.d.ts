/** The part of autocannon 8's programmatic API the bench uses (it ships no types). */
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    connections?: number;
    pipelining?: number;
    duration?: number;
    /** Requests to send in all, then stop (overrides `duration`). */
    amount?: number;
    timeout?: number;
    title?: string;
    /** Answer the raw result (encoded histograms), to be combined with `aggregateResult`. */
    skipAggregateResult?: boolean;
    /** A sequence of requests; `setupRequest` may change each one before it is sent. */
    requests?: RequestStep[];
  }

  interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  interface RequestStep {
    setupRequest?: (request: RequestParams) => RequestParams;
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  type StatusCodeStats = Record<string, { count: number }>;

  /** One run's result before aggregation. */
  interface RawResult {
    totalCompletedRequests: number;
    totalRequests: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: StatusCodeStats;
    /** Seconds. */
    duration: number;
  }

  interface Result {
    title?: string;
    url: string;
    connections: number;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: StatusCodeStats;
    /** Milliseconds. */
    latency: Histogram & { totalCount: number };
    /** Per-second samples; `total` is every completed request. */
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  interface Instance {
    stop(): void;
  }

  function autocannon(
    options: Options & { skipAggregateResult: true },
    callback: (error: Error | null, result: RawResult) => void,
  ): Instance;
  function autocannon(
    options: Options,
    callback: (error: Error | null, result: Result) => void,
  ): Instance;

  namespace autocannon {
    export { Options, Result, RawResult, Instance };
    /** Combines raw results of several runs: latency percentiles over all of them. */
    export function aggregateResult(
      results: RawResult[],
      options: Options,
    ): Result;
  }

  export = autocannon;
}
