/**
 * `error-rate: {over, window, min-requests, <scope>}`: the share of errors over a sliding window
 * (kept in 60 slices), alerting when it goes over `over` with at least `min-requests` counted.
 *
 * What is counted, precisely:
 * - With a `provider` or `provider-key` scope: the **attempts** sent to that provider or key (a
 *   fallback that rescued the request still counts the failed attempt against the provider that
 *   failed). An attempt is an error when it got a 5xx or 408, never reached the provider (no
 *   status: connection refused, reset, pool full), or its answer broke off mid-way (the
 *   request's outcome `interrupted`).
 * - Otherwise (router, gateway key, or the whole gateway): the **requests**. A request is an
 *   error when the client got a status ≥ 500 or its answer broke off (`interrupted`).
 * - 4xx answers are not errors (client mistakes; 429s have their own health state), and
 *   requests the client left (`client_gone`) are not counted at all: how they would have ended
 *   is unknown.
 *
 * One incident is one alert: once notified the rule stays quiet until the rate is back at or
 * under `over` (or under `min-requests`). A firing the cooldown held back is retried with the
 * next request counted.
 */
import { RollingWindow } from '../../core/health/rolling-window.js';
import type { AttemptRecord, RequestRecord } from '../records/request-record.js';
import { duration, percent } from './format.js';
import { isoInterval, isoSeconds } from './periods.js';
import { describeScope, matchesAttempt, matchesRequest, scopesProvider, type Scope } from './scope.js';
import type { Alert } from './types.js';

export interface ErrorRateSettings extends Scope {
  over: number;
  /** Milliseconds. */
  window: number;
  'min-requests': number;
}

const SLICES = 60;

export function requestErred(record: RequestRecord): boolean {
  return record.status >= 500 || record.outcome === 'interrupted';
}

export function attemptErred(attempt: AttemptRecord, record: RequestRecord): boolean {
  if (attempt.ok) return record.outcome === 'interrupted';
  return attempt.status === null || attempt.status >= 500 || attempt.status === 408;
}

export class ErrorRateRule {
  private readonly counts: RollingWindow;
  private readonly byAttempt: boolean;
  private readonly scope: string;
  private incident = false;

  constructor(
    readonly name: string,
    private readonly settings: ErrorRateSettings,
  ) {
    this.counts = new RollingWindow(settings.window, SLICES);
    this.byAttempt = scopesProvider(settings);
    this.scope = describeScope(settings);
  }

  observe(record: RequestRecord, now: number): Alert | undefined {
    if (record.outcome === 'client_gone' || !matchesRequest(this.settings, record)) return undefined;
    if (this.byAttempt) {
      let counted = false;
      for (const attempt of record.attempts) {
        if (!matchesAttempt(this.settings, attempt)) continue;
        this.counts.record(now, attemptErred(attempt, record));
        counted = true;
      }
      if (!counted) return undefined;
    } else {
      this.counts.record(now, requestErred(record));
    }
    const total = this.counts.requestCount(now);
    const errors = this.counts.errorCount(now);
    const rate = total > 0 ? errors / total : 0;
    if (total < this.settings['min-requests'] || rate <= this.settings.over) {
      this.incident = false;
      return undefined;
    }
    if (this.incident) return undefined;
    const { over, window } = this.settings;
    const unit = this.byAttempt ? 'attempts' : 'requests';
    const where = this.scope === 'gateway' ? 'for the whole gateway' : `for ${this.scope}`;
    return {
      rule: this.name,
      condition: 'error-rate',
      describes: `error rate over ${percent(over)} in ${duration(window)} (at least ${this.settings['min-requests']} ${unit})`,
      value: rate,
      threshold: over,
      scope: this.scope,
      scopeKey: this.scope,
      window: isoInterval(now - window, now),
      time: now,
      text: `${this.name}: error rate ${percent(rate)} (${errors} of ${total} ${unit}) is over ${percent(over)} in the last ${duration(window)} ${where}, at ${isoSeconds(now)}`,
      extra: { errors: String(errors), [unit]: String(total) },
    };
  }

  notified(): void {
    this.incident = true;
  }
}
