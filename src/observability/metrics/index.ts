/**
 * Prometheus metrics: a record sink that adds finished requests up, and the `/metrics` page.
 * Counting needs no library; prom-client (the exposition, process metrics, the cluster sum) is
 * loaded at the first scrape, so startup pays nothing for it and a gateway nobody scrapes never
 * loads it.
 *
 * In a cluster worker (`--workers N`) the page covers every worker: the worker that got the
 * scrape asks the primary, which gathers every worker's numbers and sums them (cluster.ts).
 */
import cluster from 'node:cluster';
import type { Gateway } from '../../server/gateway.js';
import type { RecordSink } from '../records/request-record.js';
import { ModelLabels } from './labels.js';
import { RecordMetrics } from './record-metrics.js';
import { RequestTally } from './tally.js';
import type { PrometheusExporter } from './prometheus.js';

export interface MetricsPage {
  contentType: string;
  body: string;
}

export interface Metrics {
  /** Attach with `addRecordSink(gw, metrics.sink)`. */
  sink: RecordSink;
  /** The exposition text: this process's numbers, or the cluster's in a worker. */
  render(): Promise<MetricsPage>;
  /** Stops answering the primary's collection requests (tests; a process just exits). */
  close(): void;
}

export async function createMetrics(gw: Gateway): Promise<Metrics> {
  const tally = new RequestTally(new ModelLabels(gw.compiled));
  const sink = new RecordMetrics(tally);
  let loading: Promise<PrometheusExporter> | undefined;
  const exporter = (): Promise<PrometheusExporter> =>
    (loading ??= import('./prometheus.js').then(
      ({ PrometheusExporter }) => new PrometheusExporter(tally, sink, gw.compiled.health),
      (err: unknown) => {
        // prom-client missing or broken: this scrape fails (503), the next one tries again.
        loading = undefined;
        throw err;
      },
    ));
  if (!cluster.isWorker || !process.send) {
    return { sink, render: async () => (await exporter()).render(), close: () => undefined };
  }
  const { answerCollections, renderFromPrimary } = await import('./cluster.js');
  const stop = answerCollections(async () => (await exporter()).snapshot());
  return { sink, render: renderFromPrimary, close: stop };
}
