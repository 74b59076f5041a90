/** What the alert rules share: the config section, one fired alert, and a rule's verdict. */
import type { GatewayConfig } from '../../config/schema.js';

export type AlertsConfig = NonNullable<GatewayConfig['alerts']>;
export type AlertRuleConfig = AlertsConfig['rules'][number];

export type Condition = 'spend' | 'error-rate' | 'provider-ejected';

/** One incident, as it is logged and sent: every field a receiver may parse. */
export interface Alert {
  rule: string;
  condition: Condition;
  /** The condition in words: `spend over 50 USD per day`. */
  describes: string;
  /** What was measured: the period's spend (USD), the error rate (0–1), or null (an ejection). */
  value: number | null;
  /** The rule's `over`; null for an ejection. */
  threshold: number | null;
  /** `provider=openai router=oa`, or `gateway` when the rule has no scope. */
  scope: string;
  /** The cooldown key's second half: the scope, or the ejected provider. */
  scopeKey: string;
  /** The period or window measured, as an ISO 8601 interval; null for an ejection. */
  window: string | null;
  /** Wall clock, milliseconds. */
  time: number;
  /** The one readable line (`text` of the message). */
  text: string;
  /** More fields for the message: requests counted, errors, the provider ejected. */
  extra: Record<string, string>;
}

/** Wall clock in milliseconds (calendar periods need wall time, not a monotonic one). */
export type WallClock = () => number;
