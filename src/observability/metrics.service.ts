import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Request, Response } from 'express';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ApiKeyVerifier } from '../api-keys/api-key.verifier';
import { authOf } from '../access/request-auth';
import { errorCodeOf } from '../http/problem.filter';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import type { RedisLink } from '../redis/redis-link';
import { SessionVerifier } from '../sessions/session.verifier';
import type { RequestObserver } from './access-log';
import { RequestDurations } from './request-durations';

/** The refusals of authentication itself; any other code is not an auth outcome. */
const AUTH_CODES = new Set<string>([
  'no_credentials',
  'invalid_api_key',
  'api_key_disabled',
  'api_key_expired',
  'invalid_session',
  'session_expired',
  'account_disabled',
  'csrf_failed',
  'login_failed',
  'too_many_login_attempts',
  'too_many_failures',
]);
/** The route label of a request no route matched: one label, not one per URL. */
export const UNMATCHED_ROUTE = '(unmatched)';
const CHECK_TIMEOUT_MS = 1000;

/**
 * SPEC §15's Prometheus metrics, served on their own listener
 * (HOST:METRICS_PORT) so the public port never exposes them. Without
 * METRICS_PORT nothing is observed per request.
 */
@Injectable()
export class MetricsService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  readonly registry = new Registry();
  private server?: Server;
  private readonly duration = new RequestDurations(
    'opsgate_http_request_duration_seconds',
    'Time to answer a request, by method, route pattern and status.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    this.registry,
  );
  /**
   * Successful authentications since the last scrape: nearly every request
   * is one, and a plain count is added to the counter when it is read
   * rather than through prom-client's label hashing on every request.
   */
  private successes = 0;
  private readonly authOutcomes = new Counter({
    name: 'opsgate_auth_outcomes_total',
    help: 'Authentications by outcome: success, or the error code of the refusal.',
    labelNames: ['code'],
    registers: [this.registry],
    collect: () => {
      if (this.successes === 0) return;
      this.authOutcomes.labels('success').inc(this.successes);
      this.successes = 0;
    },
  });
  private readonly rateLimited = new Counter({
    name: 'opsgate_rate_limited_total',
    help: 'Requests refused with 429 rate_limited (a key over its max_per_sec).',
    registers: [this.registry],
  });

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    dataSource: DataSource,
    apiKeys: ApiKeyVerifier,
    sessions: SessionVerifier,
    @Inject(REDIS) redis: RedisLink | null,
  ) {
    const caches = [apiKeys, sessions];
    new Gauge({
      name: 'opsgate_auth_cache_hit_ratio',
      help: 'Share of credential lookups answered from memory since start.',
      registers: [this.registry],
      collect() {
        const stats = caches.map((verifier) => verifier.cacheStats);
        const lookups = stats.reduce((sum, s) => sum + s.lookups, 0);
        const hits = stats.reduce((sum, s) => sum + s.hits, 0);
        this.set(lookups === 0 ? 0 : hits / lookups);
      },
    });
    this.registerUp(
      'opsgate_database_up',
      'Whether the database answers.',
      () => dataSource.query('SELECT 1'),
    );
    if (redis) {
      this.registerUp(
        'opsgate_redis_up',
        'Whether Redis answers and the change channel is subscribed.',
        async () => {
          if (!(await redis.ping())) throw new Error('Redis is down');
        },
      );
    }
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
  }

  get enabled(): boolean {
    return this.config.metricsPort !== undefined;
  }

  /**
   * The hook for another dependency's health (opsgate_redis_up): a gauge that
   * is 1 when `check` resolves within a second at scrape time, else 0.
   */
  registerUp(name: string, help: string, check: () => Promise<unknown>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set((await succeeds(check)) ? 1 : 0);
      },
    });
  }

  /** What app.setup.ts hands the access log: nothing when metrics are off. */
  observers(): RequestObserver[] {
    return this.enabled ? [this.observe] : [];
  }

  private readonly observe = (req: Request, res: Response, seconds: number) => {
    const route = (req.route as { path?: string } | undefined)?.path;
    this.duration.observe(
      req.method,
      route ?? UNMATCHED_ROUTE,
      res.statusCode,
      seconds,
    );
    const code = errorCodeOf(res);
    if (code === 'rate_limited') this.rateLimited.inc();
    if (code !== undefined && AUTH_CODES.has(code)) {
      this.authOutcomes.labels(code).inc();
    } else if (authOf(req)) {
      this.successes++;
    }
  };

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) =>
          res
            .writeHead(200, { 'Content-Type': this.registry.contentType })
            .end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort, this.config.host, resolve);
    });
    this.server = server;
  }

  /** The metrics listener's port (METRICS_PORT=0 picks a free one). */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function succeeds(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
