import type { Metric, Registry } from 'prom-client';

/** One series: a method, a route pattern and a status. */
interface Series {
  labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative), the last one past every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/** A sample as prom-client's own histogram hands it to its registry. */
interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  exemplar?: null;
}

/**
 * The request-duration histogram (SPEC §15), kept by hand and exported
 * through prom-client's registry exactly as its Histogram would be (a test
 * compares the two texts). prom-client's observe() builds a label object,
 * validates it twice, hashes it to a string and allocates two closures on
 * every call, about half a microsecond per request; here a request finds
 * its series through three map look-ups on values it already holds (the
 * route pattern, the method and the status code) and adds to a bucket.
 */
export class RequestDurations {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private byRoute = new Map<string, Map<string, Map<number, Series>>>();
  /** Every series in the order of its first observation, as prom-client exports them. */
  private all: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  observe(method: string, route: string, status: number, seconds: number) {
    let byMethod = this.byRoute.get(route);
    if (!byMethod)
      this.byRoute.set(
        route,
        (byMethod = new Map<string, Map<number, Series>>()),
      );
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(status);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        counts: new Array<number>(this.bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byStatus.set(status, series);
      this.all.push(series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) {
      bucket++;
    }
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** Each series as its buckets (cumulative, then +Inf), sum and count, in the order of first observation. */
  getForPromString() {
    const values = this.all.flatMap((series) => this.samples(series));
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  /** As prom-client's get(): every sample's labels in one object. */
  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, ...rest }) => ({
        ...rest,
        labels: { ...labels, ...sharedLabels },
      })),
    };
  }

  reset(): void {
    this.byRoute = new Map();
    this.all = [];
  }

  private samples(s: Series): Sample[] {
    const bucket = `${this.name}_bucket`;
    const shared = s.labels;
    let total = 0;
    return [
      ...this.bounds.map((le, i) => {
        total += s.counts[i];
        return this.sample({ le }, total, bucket, shared, null);
      }),
      this.sample({ le: '+Inf' }, s.count, bucket, shared, null),
      this.sample({}, s.sum, `${this.name}_sum`, shared),
      this.sample({}, s.count, `${this.name}_count`, shared),
    ];
  }

  private sample(
    labels: Sample['labels'],
    value: number,
    metricName: string,
    sharedLabels: Sample['sharedLabels'],
    exemplar?: null,
  ): Sample {
    return { labels, sharedLabels, value, metricName, exemplar };
  }
}
