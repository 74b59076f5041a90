/**
 * Starts what watches the gateway, from the config: the alert rules today; the audit log,
 * metrics, traces and the price table join here. Each is created only when the config asks for
 * it and attaches to the pipeline's bus or record sinks; `close()` flushes them all (shutdown).
 */
import type { Gateway } from '../server/gateway.js';
import { addRecordSink } from '../server/gateway.js';
import type { Logger } from './logger.js';
import { createAlerts } from './alerts/index.js';

export interface Observability {
  /** Writes what is queued (records, alerts, spans); resolves when done. */
  close(): Promise<void>;
}

export async function startObservability(gw: Gateway, logger: Logger): Promise<Observability> {
  const closers: Array<() => Promise<void>> = [];
  const { config } = gw.compiled;
  // Alert state is per process: with server.workers > 1, each worker alerts on its own share.
  if (config.alerts && config.alerts.rules.length > 0) {
    const alerts = createAlerts(config.alerts, gw, logger);
    addRecordSink(gw, alerts.sink);
    closers.push(() => alerts.close());
  }
  return {
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
