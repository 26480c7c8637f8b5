import fc from 'fast-check';
import { MetricsService } from '../src/observability/metrics.service';
import { createKey, LoggedIn, login } from './helpers/auth';
import { OutputCapture } from './helpers/log-capture';
import { createTestApp, TestApp } from './helpers/test-app';

const SECRET_NAMES = [
  'api_key',
  'session_id',
  'csrf_token',
  'password',
  'current_password',
  'new_password',
  'mfa_token',
];

/** A spelling a client might send: any case, percent-encoded once or twice, a `[...]` suffix. */
const spelling = fc
  .tuple(
    fc.constantFrom(...SECRET_NAMES),
    fc.infiniteStream(fc.integer({ min: 0, max: 3 })),
    fc.constantFrom('', '[]', '[x]', '%5B%5D', '%5b0%5d', '[a][b]'),
  )
  .map(([name, choices, suffix]) => {
    const it = choices[Symbol.iterator]();
    const chars = [...name].map((c) => {
      const choice = it.next().value as number;
      const hex = `%${c.charCodeAt(0).toString(16)}`;
      return [c, c.toUpperCase(), hex, hex.replace('%', '%25')][choice];
    });
    return chars.join('') + suffix;
  });

/**
 * SPEC §20: a secret parameter's value never reaches a log line, an audit
 * entry or a metric label, however its name is spelt and however often it
 * repeats. Spellings are generated; each request carries two values under
 * the same spelling, on a route that answers 200 and on one that refuses.
 */
describe('redaction of every spelling (SPEC §20)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let output: OutputCapture;
  let metricsBase: string;

  beforeAll(async () => {
    t = await createTestApp({
      LOG_LEVEL: 'verbose',
      LOG_FORMAT: 'json',
      METRICS_PORT: '0',
    });
    admin = await login(t.server);
    metricsBase = `http://127.0.0.1:${t.app.get(MetricsService).port()}`;
  });
  afterAll(() => t.close());

  it('writes no value of a generated secret spelling anywhere', async () => {
    const limited = await createKey(t.server, admin, { privileges: [] });
    output = new OutputCapture();
    const sent: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(spelling, fc.nat(), async (name, n) => {
          const a = `SECRETA${n}x${sent.length}`;
          const b = `SECRETB${n}x${sent.length}`;
          sent.push(a, b);
          const query = `?limit=1&${name}=${a}&${name}=${b}`;
          // Answered 200 or 400 (an unknown query parameter), and a 403 that is audited.
          await t.http().get(`/api/me${query}`).set('X-API-Key', limited.key);
          await t
            .http()
            .delete(`/api/categories/none${query}`)
            .set('X-API-Key', limited.key);
        }),
        { numRuns: 60, seed: 20261206 },
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      output.restore();
    }
    const logs = output.lines().join('\n');
    // The lines are there (the redaction is not the absence of a log)...
    expect(logs).toContain('[REDACTED]');
    const audit = await t
      .http()
      .get('/api/audit?limit=1000')
      .set('X-Session-ID', admin.sessionId);
    expect(audit.status).toBe(200);
    expect(
      audit.body.items.filter(
        (e: { action: string }) => e.action === 'access.denied',
      ).length,
    ).toBeGreaterThanOrEqual(60);
    const metrics = await (await fetch(`${metricsBase}/metrics`)).text();
    for (const secret of sent) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(audit.body)).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
  });
});
