/**
 * The alerts' log lines, in event-log.ts's style: one structured line per firing and per
 * delivery outcome, each with `event`, `rule` and (for deliveries) the webhook's name and host.
 * A webhook URL's path and query often hold its secret (Slack's do): only the host is logged.
 */
import type { Logger } from '../logger.js';
import type { Alert } from './types.js';

export class AlertLog {
  constructor(private readonly logger: Logger) {}

  fired(alert: Alert, webhooks: readonly string[]): void {
    this.logger.warn(
      {
        event: 'alert_fired',
        rule: alert.rule,
        condition: alert.condition,
        scope: alert.scope,
        value: alert.value ?? undefined,
        threshold: alert.threshold ?? undefined,
        window: alert.window ?? undefined,
        webhooks,
        text: alert.text,
      },
      'alert fired',
    );
  }

  /** Debug: a spend or error-rate rule may be held back on every request during a cooldown. */
  suppressed(alert: Alert, untilMs: number): void {
    this.logger.debug({ event: 'alert_suppressed', rule: alert.rule, scope: alert.scope, reason: 'cooldown', untilMs }, 'alert held back by the cooldown');
  }

  delivered(rule: string, webhook: string, host: string, status: number, attempts: number): void {
    this.logger.info({ event: 'alert_delivered', rule, webhook, host, status, attempts }, 'alert delivered');
  }

  /** One try failed; another follows after `retryInMs`. */
  retrying(rule: string, webhook: string, host: string, attempt: number, reason: string, retryInMs: number): void {
    this.logger.warn({ event: 'alert_delivery_failed', rule, webhook, host, attempt, reason, retryInMs }, 'alert delivery failed; retrying');
  }

  /** Given up: retries spent, a refusal not worth retrying, a full queue, or shutdown. */
  undelivered(rule: string, webhook: string, host: string, attempts: number, reason: string): void {
    this.logger.error({ event: 'alert_undelivered', rule, webhook, host, attempts, reason }, 'alert not delivered');
  }
}
