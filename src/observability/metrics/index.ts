/**
 * Prometheus metrics: a record sink that counts finished requests, and the `/metrics` page.
 * prom-client is loaded only here, when `metrics.enabled` makes startup call createMetrics;
 * importing this file costs nothing.
 *
 * In a cluster worker (`--workers N`) the page covers every worker: the worker that got the
 * scrape asks the primary, which gathers every worker's numbers and sums them (cluster.ts).
 */
import cluster from 'node:cluster';
import type { Gateway } from '../../server/gateway.js';
import type { RecordSink } from '../records/request-record.js';

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
  const { PrometheusMetrics } = await import('./prometheus.js');
  const local = new PrometheusMetrics(gw.compiled);
  if (!cluster.isWorker || !process.send) {
    return { sink: local.sink, render: () => local.render(), close: () => undefined };
  }
  const { answerCollections, renderFromPrimary } = await import('./cluster.js');
  const stop = answerCollections(() => local.snapshot());
  return { sink: local.sink, render: renderFromPrimary, close: stop };
}
