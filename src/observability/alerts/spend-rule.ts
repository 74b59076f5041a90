/**
 * `spend: {over, per, <scope>}`: the summed `cost_usd` of the scope's requests in the current
 * calendar period (UTC), alerting once it goes over `over` — once per period. A request counts in
 * the period in which it finished (the alerts' clock); unpriced requests (`cost_usd: null`) add
 * nothing. A firing the cooldown held back is retried with the next request of the same period.
 */
import type { RequestRecord } from '../records/request-record.js';
import { usd } from './format.js';
import { describePeriod, isoInterval, isoSeconds, periodAt, type Period, type PeriodSpan } from './periods.js';
import { describeScope, matchesRecord, type Scope } from './scope.js';
import type { Alert } from './types.js';

export interface SpendSettings extends Scope {
  over: number;
  per: Period;
}

export class SpendRule {
  private span: PeriodSpan = { start: 0, end: 0 };
  private total = 0;
  private requests = 0;
  private notifiedPeriod = -1;
  private readonly scope: string;

  constructor(
    readonly name: string,
    private readonly settings: SpendSettings,
  ) {
    this.scope = describeScope(settings);
  }

  observe(record: RequestRecord, now: number): Alert | undefined {
    if (record.cost_usd === null || !matchesRecord(this.settings, record)) return undefined;
    // Only forward: a wall clock stepped back keeps counting in the period it was in.
    if (now >= this.span.end) {
      this.span = periodAt(this.settings.per, now);
      this.total = 0;
      this.requests = 0;
    }
    this.total += record.cost_usd;
    this.requests++;
    if (this.total <= this.settings.over || this.notifiedPeriod === this.span.start) return undefined;
    const { over, per } = this.settings;
    const where = this.scope === 'gateway' ? 'for the whole gateway' : `for ${this.scope}`;
    return {
      rule: this.name,
      condition: 'spend',
      describes: `spend over ${usd(over)} USD per ${per}`,
      value: this.total,
      threshold: over,
      scope: this.scope,
      scopeKey: this.scope,
      window: isoInterval(this.span.start, this.span.end),
      time: now,
      text: `${this.name}: spend ${usd(this.total)} USD is over ${usd(over)} USD ${describePeriod(per, this.span)} ${where}, at ${isoSeconds(now)}`,
      extra: { requests: String(this.requests) },
    };
  }

  notified(): void {
    this.notifiedPeriod = this.span.start;
  }
}
