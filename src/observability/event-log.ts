/**
 * One structured line per thing that went wrong or changed on the way to a provider: a failed
 * attempt, a fallback, a retry, an ejection, a re-admission, a 429 cool-down, a stream cut off
 * mid-way. Every line has `event`, `requestId` and `provider`; the README lists them all.
 *
 * Lines go through the logger, whose destination batches them (line-batcher.ts): nothing here
 * waits for a write. Only failure paths call in, so a request that succeeds first time pays
 * nothing.
 */
import type { Logger } from 'pino';
import { describeAttempt } from '../core/attempts.js';
import type { GatewayError } from '../core/gateway-error.js';
import { HealthChange, type ProviderHealth } from '../core/health/provider-health.js';

/** Leaves the provider name out of a one-attempt description (the line has its own field). */
function reasonOf(provider: string, error: GatewayError): string {
  return describeAttempt(provider, error).slice(provider.length + 2);
}

export class EventLog {
  constructor(private readonly logger: Logger) {}

  attemptFailed(requestId: string, provider: string, attempt: number, error: GatewayError): void {
    this.logger.warn(
      { event: 'attempt_failed', requestId, provider, attempt, status: error.status, code: error.code ?? undefined, reason: reasonOf(provider, error) },
      'attempt failed',
    );
  }

  fallback(requestId: string, from: string, provider: string, attempt: number): void {
    this.logger.info({ event: 'fallback', requestId, provider, from, attempt }, 'falling back to another provider');
  }

  retry(requestId: string, provider: string, attempt: number, waitMs: number): void {
    this.logger.info({ event: 'retry', requestId, provider, attempt, waitMs }, 'retrying the provider after a backoff');
  }

  health(requestId: string, change: HealthChange, health: ProviderHealth, now: number): void {
    const provider = health.provider;
    if (change === HealthChange.Ejected || change === HealthChange.TrialFailed) {
      const { requests, errors } = health.counts(now);
      const reason = change === HealthChange.TrialFailed ? 'trial request failed' : 'error ratio over the threshold';
      this.logger.warn({ event: 'provider_ejected', requestId, provider, forMs: Math.ceil(health.waitMs(now)), errors, requests, reason }, 'provider ejected');
    } else if (change === HealthChange.Readmitted) {
      this.logger.info({ event: 'provider_readmitted', requestId, provider, reason: 'trial request succeeded' }, 'provider re-admitted');
    } else if (change === HealthChange.CoolingDown) {
      this.logger.warn({ event: 'provider_cooling_down', requestId, provider, forMs: Math.ceil(health.coolingMs(now)), reason: '429 rate limited' }, 'provider cooling down');
    }
  }

  /** A response that had started broke off: the client got part of it. */
  streamInterrupted(requestId: string, provider: string, error: GatewayError): void {
    this.logger.warn(
      { event: 'stream_interrupted', requestId, provider, status: error.status, code: error.code ?? undefined, reason: reasonOf(provider, error) },
      'response interrupted mid-way',
    );
  }
}
