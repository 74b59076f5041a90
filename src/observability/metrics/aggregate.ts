/** The primary's sum of its workers' numbers (loaded on the first cluster scrape only). */
import { AggregatorRegistry } from 'prom-client';
import type { MetricsSnapshot } from '../../cli/worker-messages.js';
import type { MetricsPage } from './index.js';

/** Counters and histograms are summed; each metric's `aggregator` says otherwise (health: min). */
export async function aggregate(snapshots: MetricsSnapshot[]): Promise<MetricsPage> {
  const registry = AggregatorRegistry.aggregate(snapshots);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
