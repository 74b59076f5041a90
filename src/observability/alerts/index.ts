/**
 * Alerts: rules over finished requests (spend, error rate) and the bus's health events
 * (provider ejected), sent to webhooks as Slack-compatible JSON with a cooldown, so that one
 * incident is one message per rule and scope. Everything here is bookkeeping on the request
 * path (a few comparisons and counter updates per record); messages are queued and POSTed
 * later (webhook.ts).
 *
 *   const alerts = createAlerts(config.alerts, gw, logger);   // throws ConfigError on a bad rule
 *   addRecordSink(gw, alerts.sink);
 *   …
 *   await alerts.close();   // shutdown: sends what is queued, within a grace period
 *
 * State is in memory, per process: spend totals, error windows and cooldowns start empty at
 * startup, and with `server.workers` > 1 every worker keeps its own — a spend rule then fires
 * when one worker's share goes over (the gateway's total may be up to N times `over` first), an
 * error rate is each worker's, and each worker may send its own message for one incident.
 * Acceptable for now; sharing it (through the primary, or the audit database) is a later step.
 */
import { ConfigError } from '../../config/errors.js';
import type { PipelineEvent } from '../../core/pipeline-events.js';
import type { Gateway } from '../../server/gateway.js';
import type { Logger } from '../logger.js';
import type { RecordSink, RequestRecord } from '../records/request-record.js';
import { AlertLog } from './alert-log.js';
import { EjectedRule } from './ejected-rule.js';
import { ErrorRateRule } from './error-rate-rule.js';
import { messageOf } from './message.js';
import { SpendRule } from './spend-rule.js';
import type { Alert, AlertsConfig, WallClock } from './types.js';
import { alertProblems } from './validate.js';
import { DEFAULT_DELIVERY, Webhook, type DeliveryOptions, type Fetch } from './webhook.js';

export { alertProblems } from './validate.js';
export type { Alert, AlertsConfig } from './types.js';

export interface Alerts {
  /** Finished requests, for the spend and error-rate rules: `addRecordSink(gw, alerts.sink)`. */
  readonly sink: RecordSink;
  /** Stops watching; sends what is queued for up to `graceMs`, then gives up on the rest (logged). */
  close(graceMs?: number): Promise<void>;
}

export interface AlertsOptions {
  /** Wall clock, milliseconds (tests move it across periods and cooldowns). */
  clock?: WallClock;
  fetch?: Fetch;
  delivery?: Partial<DeliveryOptions>;
}

const DEFAULT_GRACE_MS = 5_000;

interface Watching<R> {
  rule: R;
  notify: readonly string[];
}

export function createAlerts(config: AlertsConfig, gw: Gateway, logger: Logger, options: AlertsOptions = {}): Alerts {
  const problems = alertProblems(config, { providers: gw.compiled.providers.keys(), routers: gw.compiled.routers.keys() });
  if (problems.length > 0) throw new ConfigError(problems, 'alerts');
  const clock = options.clock ?? Date.now;
  const log = new AlertLog(logger);
  const delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  const fetcher = options.fetch ?? globalThis.fetch;
  const webhooks = new Map(Object.entries(config.webhooks).map(([name, url]) => [name, new Webhook(name, url, fetcher, log, delivery)]));

  const onRecords: Watching<SpendRule | ErrorRateRule>[] = [];
  const onHealth: Watching<EjectedRule>[] = [];
  for (const rule of config.rules) {
    if (rule.spend) onRecords.push({ rule: new SpendRule(rule.name, rule.spend), notify: rule.notify });
    else if (rule['error-rate']) onRecords.push({ rule: new ErrorRateRule(rule.name, rule['error-rate']), notify: rule.notify });
    else if (rule['provider-ejected']) onHealth.push({ rule: new EjectedRule(rule.name, rule['provider-ejected'].provider), notify: rule.notify });
  }

  // Cooldown per rule and scope: when each last fired.
  const lastFired = new Map<string, number>();
  const fire = (alert: Alert, notify: readonly string[]): boolean => {
    const key = `${alert.rule}\u0000${alert.scopeKey}`;
    const last = lastFired.get(key);
    if (last !== undefined && alert.time - last < config.cooldown) {
      log.suppressed(alert, last + config.cooldown);
      return false;
    }
    lastFired.set(key, alert.time);
    log.fired(alert, notify);
    const body = JSON.stringify(messageOf(alert));
    for (const name of notify) webhooks.get(name)?.send(alert, body);
    return true;
  };

  let closing: Promise<void> | undefined;
  const write = (record: RequestRecord): void => {
    if (closing) return;
    const now = clock();
    for (const { rule, notify } of onRecords) {
      const alert = rule.observe(record, now);
      if (alert && fire(alert, notify)) rule.notified();
    }
  };
  const observe = (event: PipelineEvent): void => {
    if (event.type !== 'health' || closing) return;
    const now = clock();
    for (const { rule, notify } of onHealth) {
      const alert = rule.observe(event, now);
      if (alert) fire(alert, notify);
    }
  };
  const unsubscribe = onHealth.length > 0 ? gw.bus.subscribe(observe) : undefined;

  const idle = (): Promise<void> => Promise.all([...webhooks.values()].map((w) => w.idle())).then(() => undefined);
  const within = (ms: number, work: Promise<void>): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  };
  const close = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
    closing ??= (async () => {
      unsubscribe?.();
      for (const webhook of webhooks.values()) webhook.close();
      await within(graceMs, idle());
      for (const webhook of webhooks.values()) webhook.abort();
      await idle();
    })();
    return closing;
  };

  return {
    sink: { write, flush: () => within(DEFAULT_GRACE_MS, idle()), close: () => close() },
    close,
  };
}
