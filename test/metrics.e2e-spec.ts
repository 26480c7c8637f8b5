import { MetricsService } from '../src/observability/metrics.service';
import { createKey, LoggedIn, login } from './helpers/auth';
import { createTestApp, TestApp } from './helpers/test-app';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format: `name{a="b",…} value` lines, comments skipped. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(
        /(\w+)="((?:[^"\\]|\\.)*)"/g,
      )) {
        labels[key] = value;
      }
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function value(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe('metrics (METRICS_PORT)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let base: string;

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return parse(await res.text());
  };

  beforeAll(async () => {
    t = await createTestApp({ METRICS_PORT: '0' });
    const port = t.app.get(MetricsService).port();
    expect(port).toBeGreaterThan(0);
    base = `http://127.0.0.1:${port}`;
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  it('does not serve /metrics on the main port', async () => {
    await t.http().get('/metrics').expect(404);
    await t.http().get('/api/metrics').expect(404);
  });

  it('answers 404 for anything but GET /metrics on the metrics port', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/api/health`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('counts request durations by method, route pattern and status', async () => {
    const key = await createKey(t.server, admin);
    const before = await scrape();
    const route = { method: 'GET', route: '/api/keys/:id', status: '200' };
    const missing = { ...route, status: '404' };
    const count = 'opsgate_http_request_duration_seconds_count';
    for (let i = 0; i < 3; i++) {
      await t
        .http()
        .get(`/api/keys/${key.id}`)
        .set('X-API-Key', key.key)
        .expect(403);
    }
    await t
      .http()
      .get(`/api/keys/${key.id}`)
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    await t
      .http()
      .get('/api/keys/no-such-key')
      .set('X-Session-ID', admin.sessionId)
      .expect(404);
    const after = await scrape();
    expect(
      (value(after, count, route) ?? 0) - (value(before, count, route) ?? 0),
    ).toBe(1);
    expect(
      (value(after, count, missing) ?? 0) -
        (value(before, count, missing) ?? 0),
    ).toBe(1);
    expect(
      value(after, count, { ...route, status: '403' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value(after, 'opsgate_http_request_duration_seconds_bucket', {
        ...route,
        le: '+Inf',
      }),
    ).toBe(value(after, count, route));
  });

  it('gives every unknown URL one route label, so raw URLs never become labels', async () => {
    await t.http().get('/nowhere/1').expect(404);
    await t.http().get('/nowhere/2').expect(404);
    await t.http().get('/api/also/not/here').expect(404);
    const samples = await scrape();
    const routes = new Set(
      samples
        .filter((s) => s.name === 'opsgate_http_request_duration_seconds_count')
        .map((s) => s.labels.route),
    );
    expect(routes).toContain('(unmatched)');
    for (const route of routes) expect(route).not.toMatch(/nowhere|not\/here/);
  });

  it('counts authentication outcomes by code', async () => {
    const before = await scrape();
    const outcomes = 'opsgate_auth_outcomes_total';
    await t.http().get('/api/me').set('X-API-Key', 'A'.repeat(24)).expect(401);
    await t.http().get('/api/me').set('X-API-Key', 'B'.repeat(24)).expect(401);
    await t.http().get('/api/me').expect(401);
    await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    const after = await scrape();
    const delta = (code: string) =>
      (value(after, outcomes, { code }) ?? 0) -
      (value(before, outcomes, { code }) ?? 0);
    expect(delta('invalid_api_key')).toBe(2);
    expect(delta('no_credentials')).toBe(1);
    expect(delta('success')).toBe(1);
  });

  it('counts rate-limit refusals', async () => {
    const key = await createKey(t.server, admin, { max_per_sec: 1 });
    const before = value(await scrape(), 'opsgate_rate_limited_total');
    await t.http().get('/api/me').set('X-API-Key', key.key).expect(200);
    await t.http().get('/api/me').set('X-API-Key', key.key).expect(429);
    await t.http().get('/api/me').set('X-API-Key', key.key).expect(429);
    const after = value(await scrape(), 'opsgate_rate_limited_total');
    expect(before).toBeDefined();
    expect(after! - before!).toBe(2);
  });

  it('reports the credential cache hit ratio', async () => {
    const key = await createKey(t.server, admin);
    for (let i = 0; i < 5; i++) {
      await t.http().get('/api/me').set('X-API-Key', key.key).expect(200);
    }
    const ratio = value(await scrape(), 'opsgate_auth_cache_hit_ratio');
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
  });

  it('reports the database as up', async () => {
    expect(value(await scrape(), 'opsgate_database_up')).toBe(1);
  });

  it('includes the default process metrics', async () => {
    const samples = await scrape();
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeDefined();
    expect(value(samples, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('lets another dependency add its up gauge (the Redis hook)', async () => {
    const metrics = t.app.get(MetricsService);
    metrics.registerUp('opsgate_test_ok_up', 'test', () => Promise.resolve());
    metrics.registerUp('opsgate_test_down_up', 'test', () =>
      Promise.reject(new Error('down')),
    );
    const samples = await scrape();
    expect(value(samples, 'opsgate_test_ok_up')).toBe(1);
    expect(value(samples, 'opsgate_test_down_up')).toBe(0);
  });
});

describe('metrics without METRICS_PORT', () => {
  it('opens no listener', async () => {
    const t = await createTestApp();
    expect(t.app.get(MetricsService).port()).toBeUndefined();
    expect(t.app.get(MetricsService).observers()).toEqual([]);
    await t.close();
  });
});

describe('the database gauge', () => {
  it('is 0 when the database does not answer', async () => {
    const t = await createTestApp({ METRICS_PORT: '0' });
    const port = t.app.get(MetricsService).port();
    jest
      .spyOn(t.dataSource, 'query')
      .mockRejectedValue(new Error('SQLITE_CANTOPEN'));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(value(parse(text), 'opsgate_database_up')).toBe(0);
    jest.restoreAllMocks();
    await t.close();
  });
});
