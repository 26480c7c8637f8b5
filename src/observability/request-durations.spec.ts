import { Histogram, Registry } from 'prom-client';
import { RequestDurations } from './request-durations';

const NAME = 'opsgate_http_request_duration_seconds';
const HELP = 'Time to answer a request, by method, route pattern and status.';
const BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** The same observations into prom-client's Histogram and into ours. */
function both(observations: [string, string, number, number][]) {
  const theirs = new Registry();
  const ours = new Registry();
  const histogram = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['method', 'route', 'status'],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const durations = new RequestDurations(NAME, HELP, BUCKETS, ours);
  for (const [method, route, status, seconds] of observations) {
    histogram.labels(method, route, String(status)).observe(seconds);
    durations.observe(method, route, status, seconds);
  }
  return { theirs, ours, durations };
}

const OBSERVATIONS: [string, string, number, number][] = [
  ['GET', '/api/me', 200, 0.0004],
  ['GET', '/api/health/live', 200, 0.001],
  ['GET', '/api/me', 401, 0.0031],
  ['HEAD', '/api/me', 200, 0.02],
  ['GET', '/api/me', 200, 3.5],
  ['POST', '(unmatched)', 404, 0.25],
  ['GET', '/api/me', 200, 0.0025],
];

describe('RequestDurations', () => {
  it("exports the very text prom-client's Histogram does", async () => {
    const { theirs, ours } = both(OBSERVATIONS);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('and the same JSON', async () => {
    const { theirs, ours } = both(OBSERVATIONS);
    expect(await ours.getMetricsAsJSON()).toEqual(
      await theirs.getMetricsAsJSON(),
    );
  });

  it('starts over on reset, as the registry asks', async () => {
    const { theirs, ours } = both(OBSERVATIONS);
    theirs.resetMetrics();
    ours.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
