/**
 * A histogram whose numbers live elsewhere (the tally), read by the registry at scrape time.
 * prom-client has no way to hand a Histogram its bucket counts in bulk, so this object speaks
 * the registry's metric protocol itself (`name`, `get()`), with the values laid out as
 * prom-client's Histogram lays them out (`_bucket` per `le`, cumulative; `_sum`; `_count`) —
 * so the cluster aggregation sums them like any other histogram.
 */
import type { Metric, Registry } from 'prom-client';
import type { HistogramCounts } from './tally.js';

type Labels = Record<string, string | number>;

interface Value {
  value: number;
  labels: Labels;
  metricName: string;
}

export class CollectedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    /** Each label set with its counts, read at every scrape. */
    private readonly read: () => Iterable<[Labels, HistogramCounts]>,
  ) {}

  register(registry: Registry): this {
    // The registry only calls `get()` and reads `name`; this is not one of prom-client's classes.
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Value[] }> {
    const values: Value[] = [];
    const bucket = `${this.name}_bucket`;
    for (const [labels, h] of this.read()) {
      let cumulative = 0;
      for (let i = 0; i < h.bounds.length; i++) {
        cumulative += h.counts[i];
        values.push({ value: cumulative, labels: { ...labels, le: h.bounds[i] }, metricName: bucket });
      }
      values.push({ value: h.count, labels: { ...labels, le: '+Inf' }, metricName: bucket });
      values.push({ value: h.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: h.count, labels, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
