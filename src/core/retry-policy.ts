/**
 * How many attempts one request may make and how long to wait before trying a provider again.
 *
 * - No `retries` block: every available candidate is tried once, in order, without waiting
 *   (fallback without repeats). A router with one provider therefore makes one attempt.
 * - `retries` (Helicone's keys): at most 1 + `max-retries` attempts in all. Each retry goes to a
 *   provider not tried yet when there is one; after that, to a provider that failed with a
 *   retryable error, after an exponential (or constant) backoff with jitter, never sooner than
 *   its `retry-after`.
 */
import type { RetriesConfig } from '../config/schema.js';
import type { Random } from './balance/strategy.js';

/** A provider asking to wait longer than this is not retried in this request. */
export const MAX_RETRY_AFTER_MS = 30_000;

export interface RetryPolicy {
  /** Attempts in all, the first included; undefined means one per candidate. */
  readonly maxAttempts: number | undefined;
  /** Whether a provider that failed may be tried again in the same request. */
  readonly repeats: boolean;
  /** Longest wait honoured for one retry (`retry-after`, cool-down). */
  readonly maxWaitMs: number;
  /** Delay before the `retryIndex`-th repeat (0-based). */
  backoffMs(retryIndex: number): number;
}

export const FALLBACK_ONLY: RetryPolicy = {
  maxAttempts: undefined,
  repeats: false,
  maxWaitMs: 0,
  backoffMs: () => 0,
};

export function retryPolicy(config: RetriesConfig | undefined, random: Random = Math.random): RetryPolicy {
  if (!config) return FALLBACK_ONLY;
  const base =
    config.strategy === 'constant'
      ? (): number => config.delay
      : (i: number): number => Math.min(config['max-delay'], config['min-delay'] * Math.pow(config.factor, i));
  return {
    maxAttempts: 1 + config['max-retries'],
    repeats: true,
    maxWaitMs: MAX_RETRY_AFTER_MS,
    backoffMs(retryIndex) {
      // Equal jitter: half the delay fixed, half random, so clients do not retry in lockstep.
      const delay = base(retryIndex);
      return delay / 2 + random() * (delay / 2);
    },
  };
}
