/**
 * Starts what watches the gateway, from the config: the price table, the audit log, metrics,
 * alert rules and traces. Each is created only when the config asks for
 * it and attaches to the pipeline's bus or record sinks; `close()` flushes them all (shutdown).
 */
import type { Gateway } from '../server/gateway.js';
import { addRecordSink } from '../server/gateway.js';
import type { Logger } from './logger.js';
import { createAlerts } from './alerts/index.js';
import { createTracing } from './tracing/index.js';
import { createPriceBook } from './cost/index.js';
import { createMetrics } from './metrics/index.js';

export interface Observability {
  /** Writes what is queued (records, alerts, spans); resolves when done. */
  close(): Promise<void>;
}

export async function startObservability(gw: Gateway, logger: Logger): Promise<Observability> {
  const closers: Array<() => Promise<void>> = [];
  const { config } = gw.compiled;
  // Prices are read when each record is built; a table that fails to load leaves config prices.
  gw.prices = await createPriceBook(config.pricing, (err) => logger.warn({ err: String(err) }, 'price table not loaded: only config prices apply'));
  if (config.audit.enabled) {
    // The SQLite driver is a native module: loaded only when the audit log is on.
    const { openAuditLog } = await import('./audit/index.js');
    const audit = await openAuditLog({ path: config.storage.path, retentionMs: config.audit.retention, bodies: config.audit.bodies }, logger);
    addRecordSink(gw, audit);
    closers.push(() => audit.close());
  }
  if (config.metrics.enabled) {
    const metrics = await createMetrics(gw);
    gw.metrics = metrics;
    addRecordSink(gw, metrics.sink);
  }
  // Alert state is per process: with server.workers > 1, each worker alerts on its own share.
  if (config.alerts && config.alerts.rules.length > 0) {
    const alerts = createAlerts(config.alerts, gw, logger);
    addRecordSink(gw, alerts.sink);
    closers.push(() => alerts.close());
  }
  // Sets gw.traceparent, which each request's scope copies when it starts: before listening.
  const tracing = await createTracing(config.telemetry, gw, logger);
  if (tracing) closers.push(() => tracing.shutdown());
  return {
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
