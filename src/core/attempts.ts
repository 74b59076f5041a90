/**
 * The attempt loop: tries a request's candidates until one commits a response.
 *
 * A failure before the first byte reached the client may be retried: on the next candidate
 * that has not been tried and whose provider is admitted by its health (fallback, no delay),
 * else — when the policy allows repeats — on one that failed with a retryable error, after a
 * backoff that honours its `retry-after`. Once bytes went out, nothing is retried. Attempts are
 * bounded by the policy and the whole loop by the request deadline.
 *
 * The loop also reports each attempt's outcome to the provider's health, and tells `events`
 * (the request's log) of every failed attempt, fallback, retry and health change. When more
 * than one attempt failed, the error sent lists every one of them.
 */
import type { CancelSignal } from './cancel-signal.js';
import type { Clock } from './clock.js';
import { GatewayError } from './gateway-error.js';
import { Admission, HealthChange, type ProviderHealth } from './health/provider-health.js';
import { providersUnavailable } from './health/health-registry.js';
import type { RetryPolicy } from './retry-policy.js';

export interface AttemptCandidate {
  readonly target: { readonly health: ProviderHealth };
}

export type AttemptOutcome =
  /**
   * The response started (or the client left): stop. `local`: the gateway answered itself for
   * this candidate (a token estimate), which says nothing about the provider's health.
   */
  | { committed: true; cancelled?: boolean; local?: boolean }
  /** Failed before the first byte. `reached`: the provider was contacted (its health judges). */
  | { committed: false; error: GatewayError; reached: boolean };

export type Retryability = 'same' | 'other' | 'none';

const RETRYABLE_STATUS = new Set([408, 409, 429]);

/**
 * `same`: worth retrying, on this provider too (5xx, 408, 409, 429, timeouts, connection
 * errors). `other`: only on another provider (a spent quota will not clear by retrying).
 * `none`: the request itself is the problem (other 4xx).
 */
export function retryability(error: GatewayError): Retryability {
  if (error.status === 429 && error.code === 'insufficient_quota') return 'other';
  // The parameter table refused the request for this provider; another one may honour it.
  if (error.code === 'unsupported_parameter' || error.code === 'unsupported_value') return 'other';
  if (error.status >= 500 || RETRYABLE_STATUS.has(error.status)) return 'same';
  return 'none';
}

/** What the loop tells the request's log; called only when something went wrong or changed. */
export interface AttemptEvents {
  attemptFailed(provider: string, attempt: number, error: GatewayError): void;
  /** The next attempt goes to another provider, at once. */
  fallback(from: string, to: string, attempt: number): void;
  /** The next attempt repeats a provider that failed, after `waitMs`. */
  retry(provider: string, attempt: number, waitMs: number): void;
  health(change: HealthChange, health: ProviderHealth, now: number): void;
}

export interface AttemptScope {
  signal: CancelSignal;
  /** Clock time after which no new attempt or wait starts. */
  deadline: number;
  clock: Clock;
  /** Names the route in a 503 (`Router "x"`, `/ai`). */
  label: string;
  sleep?: (ms: number, signal: CancelSignal) => Promise<void>;
  events?: AttemptEvents;
}

/** `openai: connect ECONNREFUSED`, `anthropic: 503 Overloaded` — one failed attempt in a few words. */
export function describeAttempt(provider: string, error: GatewayError): string {
  if (error.reason) return `${provider}: ${error.reason}`;
  let text = error.message;
  if (text.startsWith(`${provider}: `)) text = text.slice(provider.length + 2);
  if (text.length > 160) text = `${text.slice(0, 157)}...`;
  return `${provider}: ${error.status} ${text}`;
}

/** The error to send when several attempts failed: the last one's status and code, every attempt's story. */
function withEveryAttempt(label: string, failures: readonly string[] | undefined, last: GatewayError | undefined): GatewayError | undefined {
  if (!last || !failures || failures.length < 2) return last;
  return new GatewayError({
    status: last.status,
    type: last.type,
    code: last.code,
    param: last.param,
    retryAfter: last.retryAfter,
    provider: last.provider,
    reason: last.reason,
    message: `${label}: ${failures.length} attempts failed — ${failures.join('; ')}.`,
  });
}

export function sleep(ms: number, signal: CancelSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeListener('abort', done);
      resolve();
    }
    signal.once('abort', done);
  });
}

function verdictFor(error: GatewayError): 'ok' | 'error' | 'rate-limited' {
  if (error.status === 429) return 'rate-limited';
  if (error.status >= 500 || error.status === 408) return 'error';
  return 'ok';
}

/**
 * Runs `attempt` over the candidates. Resolves with the error to send when no attempt
 * committed, or undefined when one did.
 */
export async function runAttempts<C extends AttemptCandidate>(
  candidates: readonly C[],
  policy: RetryPolicy,
  scope: AttemptScope,
  attempt: (candidate: C, attemptNumber: number) => Promise<AttemptOutcome>,
): Promise<GatewayError | undefined> {
  const { signal, clock, events } = scope;
  const n = candidates.length;
  const maxAttempts = policy.maxAttempts ?? n;
  let attempts = 0;
  let next = 0;
  let repeats = 0;
  let lastError: GatewayError | undefined;
  /** `provider: reason` per failed attempt; allocated on the first failure. */
  let failures: string[] | undefined;
  let lastProvider = '';
  /** Per candidate, the error that allows trying it again; allocated on the first failure. */
  let again: Array<GatewayError | undefined> | undefined;
  let cursor = 0;

  while (attempts < maxAttempts && !signal.aborted) {
    let index = -1;
    let admission: Admission = Admission.Denied;
    // Fallback: the next candidate not tried yet that its health admits.
    while (next < n) {
      const i = next++;
      admission = candidates[i].target.health.acquire(clock());
      if (admission !== Admission.Denied) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      if (attempts === 0) return providersUnavailable(scope.label, candidates.map((c) => c.target.health), clock());
      if (!policy.repeats || !again) break;
      // Repeat: the next candidate (round robin) whose last error allows it, after a backoff.
      let pick = -1;
      for (let k = 0; k < n; k++) {
        const i = (cursor + k) % n;
        if (again[i]) {
          pick = i;
          break;
        }
      }
      if (pick < 0) break;
      cursor = pick + 1;
      const health = candidates[pick].target.health;
      // A timer may fire a fraction of a millisecond early by the monotonic clock: waiting for an
      // ejection to end takes one millisecond more, so the retry is not refused just before it.
      const now = clock();
      const healthWait = health.admits(now) ? health.waitMs(now) : Math.ceil(health.waitMs(now)) + 1;
      const hinted = Math.max(healthWait, (again[pick]?.retryAfter ?? 0) * 1000);
      if (hinted > policy.maxWaitMs) {
        again[pick] = undefined;
        continue;
      }
      const wait = Math.max(hinted, policy.backoffMs(repeats++));
      if (clock() + wait >= scope.deadline) break;
      events?.retry(health.provider, attempts + 1, Math.round(wait));
      await (scope.sleep ?? sleep)(wait, signal);
      if (signal.aborted) break;
      admission = health.acquire(clock());
      if (admission === Admission.Denied) {
        // Someone else holds its trial slot, or it was ejected meanwhile.
        again[pick] = undefined;
        continue;
      }
      index = pick;
    } else if (attempts > 0) {
      events?.fallback(lastProvider, candidates[index].target.health.provider, attempts + 1);
    }

    const candidate = candidates[index];
    const health = candidate.target.health;
    attempts++;
    let outcome: AttemptOutcome;
    try {
      outcome = await attempt(candidate, attempts);
    } catch (err) {
      // A bug must not leave a half-open provider's trial slot taken forever.
      health.release(admission);
      throw err;
    }
    if (outcome.committed) {
      if (outcome.cancelled || outcome.local) health.release(admission);
      else {
        const change = health.report('ok', admission, clock());
        if (change !== HealthChange.None) events?.health(change, health, clock());
      }
      return undefined;
    }
    const { error } = outcome;
    lastError = error;
    lastProvider = health.provider;
    (failures ??= []).push(describeAttempt(health.provider, error));
    events?.attemptFailed(health.provider, attempts, error);
    if (outcome.reached) {
      const change = health.report(verdictFor(error), admission, clock(), error.retryAfter);
      if (change !== HealthChange.None) events?.health(change, health, clock());
    } else {
      health.release(admission);
    }
    const kind = retryability(error);
    if (kind === 'none') return withEveryAttempt(scope.label, failures, error);
    again ??= new Array<GatewayError | undefined>(n);
    again[index] = kind === 'same' ? error : undefined;
  }
  return withEveryAttempt(scope.label, failures, lastError);
}
