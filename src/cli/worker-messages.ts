/** What the primary and its workers tell each other over the cluster's IPC channel. */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** One worker's metrics as prom-client's `getMetricsAsJSON()` gives them. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

export type WorkerMessage =
  /** Worker → primary: it cannot serve (the port is taken, …); the primary stops, saying why. */
  | { aiGateway: 'fatal'; message: string }
  /** Worker → primary: it began draining with this many requests in flight. */
  | { aiGateway: 'draining'; inFlight: number }
  /** Worker → primary: it got a `/metrics` scrape; answer with every worker's numbers summed. */
  | { aiGateway: 'metrics_request'; id: number }
  /** Worker → primary: its own numbers, answering `metrics_collect`. */
  | { aiGateway: 'metrics_snapshot'; id: number; metrics: MetricsSnapshot }
  | { aiGateway: 'metrics_snapshot'; id: number; error: string };

export type PrimaryMessage =
  /** Drain and exit (the primary got the first signal). */
  | { aiGateway: 'shutdown' }
  /** Exit at once (a second signal). */
  | { aiGateway: 'exit' }
  /** Primary → every serving worker: send your numbers (`metrics_snapshot`). */
  | { aiGateway: 'metrics_collect'; id: number }
  /** Primary → the worker that asked: the exposition text for all workers, or why there is none. */
  | { aiGateway: 'metrics_page'; id: number; body: string; contentType: string }
  | { aiGateway: 'metrics_page'; id: number; error: string };

export function isMessage<T extends { aiGateway: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as { aiGateway?: unknown }).aiGateway === 'string';
}

/** The exit code of a worker that reported a fatal error: the primary does not restart it. */
export const FATAL_EXIT_CODE = 78;
