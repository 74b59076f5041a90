/** Helicone's `retries` block → a RetryPolicy (exponential or constant backoff with jitter). */
import type { RetriesConfig } from '../config/schema.js';
import { fallbackOnlyPolicy, type RetryPolicy } from './attempts.js';

/** Longest wait honoured from a provider's `retry-after` before giving up on that candidate. */
const MAX_RETRY_AFTER_MS = 30_000;

export function retryPolicy(config: RetriesConfig | undefined, candidates: number, random: () => number = Math.random): RetryPolicy {
  if (!config) return fallbackOnlyPolicy(candidates);
  const maxAttempts = 1 + config['max-retries'];
  const base = (i: number): number =>
    config.strategy === 'constant'
      ? config.delay
      : Math.min(config['max-delay'], config['min-delay'] * Math.pow(config.factor, i));
  return {
    maxAttempts,
    backoffMs(retryIndex, retryAfterSec) {
      const hinted = retryAfterSec !== undefined ? Math.min(retryAfterSec * 1000, MAX_RETRY_AFTER_MS) : 0;
      // Full jitter on top of half the base delay keeps clients from retrying in lockstep.
      const delay = base(retryIndex);
      return Math.max(hinted, delay / 2 + random() * (delay / 2));
    },
  };
}
