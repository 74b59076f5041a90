/**
 * Passive health of one upstream provider, shared by every router and `/ai` in the process.
 *
 * - Outlier ejection: when the error ratio over the rolling window exceeds `ratio` (judged only
 *   once the window holds `minRequests`), the provider is ejected for `ejectMs`. When that
 *   passes it is half-open: one trial request at a time goes through; success re-admits it with
 *   a clean window, failure ejects it again for twice as long (capped at `maxEjectMs`).
 *   An ejected provider takes no requests; when nothing else can serve, the client gets a 503.
 * - Rate limits: a 429 cools the provider down for its `retry-after`, or, without one, for an
 *   exponential default (1s, 2s, 4s … 60s) that resets on the next success. Routers route
 *   around a cooling provider; it is still tried last when nothing else can serve (the
 *   provider, not the gateway, then says whether its limit still holds).
 *
 * Errors that count: 5xx, 408, timeouts, connection failures and streams that break. 429 and
 * other 4xx count as answered requests (the provider is up; the request or quota is the issue).
 * Every check is O(1) and allocation-free.
 */
import type { Clock } from '../clock.js';
import { RollingWindow } from './rolling-window.js';

export interface HealthSettings {
  /** Error ratio above which a provider is ejected (Helicone's `ratio`). */
  ratio: number;
  windowMs: number;
  buckets: number;
  /** No verdict until the window holds this many requests (`grace-period.min-requests`). */
  minRequests: number;
  /** First ejection length; doubles per consecutive failed trial (`interval`). */
  ejectMs: number;
  maxEjectMs: number;
  /** Cool-down after a 429 without `retry-after`; doubles per consecutive 429. */
  cooldownBaseMs: number;
  cooldownMaxMs: number;
}

export const DEFAULT_HEALTH: HealthSettings = {
  ratio: 0.1,
  windowMs: 60_000,
  buckets: 10,
  minRequests: 20,
  ejectMs: 5_000,
  maxEjectMs: 60_000,
  cooldownBaseMs: 1_000,
  cooldownMaxMs: 60_000,
};

/**
 * What `acquire` grants. `Trial` is the single request that decides whether a half-open
 * provider is re-admitted.
 */
export const Admission = { Denied: 0, Normal: 1, Trial: 2 } as const;
export type Admission = (typeof Admission)[keyof typeof Admission];

/** A provider that answered, as far as health is concerned. */
export type Verdict = 'ok' | 'error' | 'rate-limited';

/** What a report changed, so the caller can log it (a number: reporting stays allocation-free). */
export const HealthChange = { None: 0, Ejected: 1, TrialFailed: 2, Readmitted: 3, CoolingDown: 4 } as const;
export type HealthChange = (typeof HealthChange)[keyof typeof HealthChange];

/** Wait announced while a half-open provider's trial is still running. */
const TRIAL_WAIT_MS = 1_000;

export class ProviderHealth {
  private readonly window: RollingWindow;
  private ejectedUntil = 0;
  private coolUntil = 0;
  private halfOpen = false;
  private trialRunning = false;
  private ejections = 0;
  private cooldowns = 0;

  constructor(
    /** Provider name, for messages. */
    readonly provider: string,
    private readonly settings: HealthSettings,
    private readonly clock: Clock,
  ) {
    this.window = new RollingWindow(settings.windowMs, settings.buckets);
  }

  now(): number {
    return this.clock();
  }

  /** Could a request go here now (not ejected, no trial running)? Pure: claims nothing. */
  admits(now: number): boolean {
    if (now < this.ejectedUntil) return false;
    return !(this.halfOpen && this.trialRunning);
  }

  /** Milliseconds left of a 429 cool-down (0 when none). */
  coolingMs(now: number): number {
    return now < this.coolUntil ? this.coolUntil - now : 0;
  }

  /** Claims the right to send one request; the caller must report the result once. */
  acquire(now: number): Admission {
    if (!this.admits(now)) return Admission.Denied;
    if (!this.halfOpen) return Admission.Normal;
    this.trialRunning = true;
    return Admission.Trial;
  }

  /** Milliseconds until a request would be welcome (0 when it would be now). */
  waitMs(now: number): number {
    const hard = now < this.ejectedUntil ? this.ejectedUntil - now : this.halfOpen && this.trialRunning ? TRIAL_WAIT_MS : 0;
    return Math.max(hard, this.coolingMs(now));
  }

  /** The provider answered (or failed to). Returns what changed. */
  report(verdict: Verdict, admission: Admission, now: number, retryAfterSec?: number): HealthChange {
    const trial = admission === Admission.Trial;
    if (verdict === 'rate-limited') {
      this.window.record(now, false);
      this.coolDown(now, retryAfterSec);
      if (trial) this.trialRunning = false;
      return HealthChange.CoolingDown;
    }
    if (verdict === 'ok') {
      this.window.record(now, false);
      this.cooldowns = 0;
      if (trial) {
        // Re-admitted: old errors must not eject it again on the next failure.
        this.halfOpen = false;
        this.trialRunning = false;
        this.ejections = 0;
        this.window.reset();
        return HealthChange.Readmitted;
      }
      return HealthChange.None;
    }
    this.window.record(now, true);
    if (trial) {
      this.trialRunning = false;
      this.eject(now);
      return HealthChange.TrialFailed;
    }
    if (!this.halfOpen && this.isOutlier(now)) {
      this.eject(now);
      return HealthChange.Ejected;
    }
    return HealthChange.None;
  }

  /** The request went nowhere (cancelled, or refused before sending): no verdict. */
  release(admission: Admission): void {
    if (admission === Admission.Trial) this.trialRunning = false;
  }

  /** A response that had started broke off. Counts as an error; trials are already decided. */
  lateFailure(now: number): HealthChange {
    this.window.record(now, true);
    if (this.halfOpen || !this.isOutlier(now)) return HealthChange.None;
    this.eject(now);
    return HealthChange.Ejected;
  }

  /** One line for a 503 message. */
  describe(now: number): string {
    if (now < this.ejectedUntil) {
      return `${this.provider} was taken out after too many errors (next trial in ${Math.ceil((this.ejectedUntil - now) / 1000)}s)`;
    }
    if (this.halfOpen && this.trialRunning) return `${this.provider} is being re-tested by a trial request`;
    const cooling = this.coolingMs(now);
    if (cooling > 0) return `${this.provider} is cooling down after a 429 (${Math.ceil(cooling / 1000)}s left)`;
    return `${this.provider} is available`;
  }

  /** Window figures, for tests and diagnostics. */
  counts(now: number): { requests: number; errors: number } {
    return { requests: this.window.requestCount(now), errors: this.window.errorCount(now) };
  }

  get state(): 'healthy' | 'ejected' | 'half-open' | 'cooling' {
    const now = this.clock();
    if (now < this.ejectedUntil) return 'ejected';
    if (this.halfOpen) return 'half-open';
    return now < this.coolUntil ? 'cooling' : 'healthy';
  }

  private isOutlier(now: number): boolean {
    const requests = this.window.requestCount(now);
    if (requests === 0 || requests < this.settings.minRequests) return false;
    return this.window.errorCount(now) / requests > this.settings.ratio;
  }

  private eject(now: number): void {
    const ms = Math.min(this.settings.maxEjectMs, this.settings.ejectMs * 2 ** this.ejections);
    this.ejections++;
    this.halfOpen = true;
    this.trialRunning = false;
    this.ejectedUntil = Math.max(this.ejectedUntil, now + ms);
  }

  private coolDown(now: number, retryAfterSec: number | undefined): void {
    const ms =
      retryAfterSec !== undefined
        ? retryAfterSec * 1000
        : Math.min(this.settings.cooldownMaxMs, this.settings.cooldownBaseMs * 2 ** this.cooldowns++);
    this.coolUntil = Math.max(this.coolUntil, now + ms);
  }
}
