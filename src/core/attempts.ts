/**
 * The attempt loop: tries candidates in order until one commits a response.
 * A failure before the first byte reaches the client may be retried — on the next candidate
 * when there is one (fallback), else on the same one after a backoff. Once bytes went out,
 * nothing is retried.
 */
import { GatewayError } from './gateway-error.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Delay before re-trying a candidate that already failed in this request. */
  backoffMs(retryIndex: number, retryAfterSec: number | undefined): number;
}

/** Without a `retries` block each candidate is tried once: fallback, no repeats. */
export function fallbackOnlyPolicy(candidates: number): RetryPolicy {
  return { maxAttempts: candidates, backoffMs: () => 0 };
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

export function isRetryable(error: GatewayError): boolean {
  // 429 for a spent quota will not clear by retrying.
  if (error.code === 'insufficient_quota') return false;
  return RETRYABLE_STATUS.has(error.status) || error.status >= 500;
}

export interface AttemptOutcome {
  /** The attempt produced a response (success or an error already sent to the client). */
  committed: boolean;
  error?: GatewayError;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `attempt` over the candidates. Resolves with the last uncommitted error when every
 * attempt failed before committing, or undefined when one committed.
 */
export async function runAttempts<C>(
  candidates: C[],
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: (candidate: C, attemptNumber: number) => Promise<AttemptOutcome>,
): Promise<GatewayError | undefined> {
  let lastError: GatewayError | undefined;
  let repeats = 0;
  for (let n = 0; n < policy.maxAttempts; n++) {
    if (signal.aborted) return lastError;
    const candidate = candidates[n % candidates.length];
    if (n >= candidates.length) {
      await sleep(policy.backoffMs(repeats++, lastError?.retryAfter), signal);
      if (signal.aborted) return lastError;
    }
    const outcome = await attempt(candidate, n + 1);
    if (outcome.committed) return undefined;
    lastError = outcome.error;
    if (!lastError || !isRetryable(lastError)) return lastError;
  }
  return lastError;
}
