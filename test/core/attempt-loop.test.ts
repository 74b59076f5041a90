/** The attempt loop: fallback, retries with backoff, what is never retried, bounds. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAttempt, retryability, runAttempts, type AttemptEvents, type AttemptOutcome, type AttemptScope } from '../../src/core/attempts.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { CancelSignal } from '../../src/core/cancel-signal.js';
import { DEFAULT_HEALTH, HealthChange, ProviderHealth } from '../../src/core/health/provider-health.js';
import { FALLBACK_ONLY, retryPolicy } from '../../src/core/retry-policy.js';
import { manualClock, type ManualClock } from './routing-fixtures.js';

interface Fake {
  name: string;
  target: { health: ProviderHealth };
}

function setup(providers: string[], healthOverrides = {}) {
  const clock = manualClock();
  const candidates: Fake[] = providers.map((name) => ({ name, target: { health: new ProviderHealth(name, { ...DEFAULT_HEALTH, ...healthOverrides }, clock) } }));
  const slept: number[] = [];
  const scope: AttemptScope = {
    signal: new CancelSignal(),
    deadline: Number.POSITIVE_INFINITY,
    clock,
    label: 'Router "t"',
    sleep: async (ms) => {
      slept.push(Math.round(ms));
      clock.advance(ms);
    },
  };
  return { clock, candidates, scope, slept };
}

const err = (status: number, extra: Partial<ConstructorParameters<typeof GatewayError>[0]> = {}) =>
  new GatewayError({ status, message: `status ${status}`, ...extra });

/** Scripted attempts: each call takes the next outcome. */
function script(outcomes: Array<GatewayError | 'ok'>, log: string[]) {
  return async (c: Fake, n: number): Promise<AttemptOutcome> => {
    log.push(`${n}:${c.name}`);
    const next = outcomes.shift() ?? 'ok';
    return next === 'ok' ? { committed: true } : { committed: false, error: next, reached: true };
  };
}

const noJitter = () => 1;

describe('classification', () => {
  test('5xx, 408, 409, 429, timeouts and connection errors are retryable; other 4xx are not', () => {
    for (const s of [500, 502, 503, 504, 529, 408, 409, 429]) assert.equal(retryability(err(s)), 'same', String(s));
    for (const s of [400, 401, 403, 404, 413, 422]) assert.equal(retryability(err(s)), 'none', String(s));
    assert.equal(retryability(err(429, { code: 'insufficient_quota' })), 'other');
    assert.equal(retryability(err(400, { code: 'unsupported_parameter' })), 'other');
    assert.equal(retryability(err(400, { code: 'unsupported_value' })), 'other');
  });
});

describe('fallback without a retries block', () => {
  test('each candidate once, in order, no waiting', async () => {
    const { candidates, scope, slept } = setup(['a', 'b', 'c']);
    const log: string[] = [];
    const result = await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(503), err(502), err(500)], log));
    assert.deepEqual(log, ['1:a', '2:b', '3:c']);
    assert.equal(result?.status, 500);
    assert.deepEqual(slept, []);
  });

  test('stops at the first success', async () => {
    const { candidates, scope } = setup(['a', 'b', 'c']);
    const log: string[] = [];
    assert.equal(await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(503), 'ok'], log)), undefined);
    assert.deepEqual(log, ['1:a', '2:b']);
  });

  test('a parameter one provider cannot honour moves on to the next provider', async () => {
    const { candidates, scope } = setup(['a', 'b']);
    const log: string[] = [];
    const result = await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(400, { code: 'unsupported_parameter' }), 'ok'], log));
    assert.deepEqual(log, ['1:a', '2:b']);
    assert.equal(result, undefined);
  });

  test('a 4xx is returned at once, never retried', async () => {
    const { candidates, scope } = setup(['a', 'b']);
    const log: string[] = [];
    const result = await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(400)], log));
    assert.deepEqual(log, ['1:a']);
    assert.equal(result?.status, 400);
  });

  test('a single provider is tried once', async () => {
    const { candidates, scope } = setup(['a']);
    const log: string[] = [];
    await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(503)], log));
    assert.deepEqual(log, ['1:a']);
  });
});

describe('with a retries block', () => {
  const exponential = retryPolicy({ strategy: 'exponential', 'min-delay': 1_000, 'max-delay': 30_000, 'max-retries': 3, factor: 2 }, noJitter);

  test('fallback first, then the same providers again after a backoff', async () => {
    const { candidates, scope, slept } = setup(['a', 'b']);
    const log: string[] = [];
    const result = await runAttempts(candidates, exponential, scope, script([err(503), err(503), err(503), 'ok'], log));
    assert.equal(result, undefined);
    assert.deepEqual(log, ['1:a', '2:b', '3:a', '4:b']);
    assert.deepEqual(slept, [1_000, 2_000]);
  });

  test('attempts are bounded by max-retries', async () => {
    const { candidates, scope } = setup(['a']);
    const log: string[] = [];
    const result = await runAttempts(candidates, exponential, scope, script([err(500), err(500), err(500), err(500), err(500)], log));
    assert.equal(log.length, 4);
    assert.equal(result?.status, 500);
  });

  test("a provider's retry-after is honoured", async () => {
    const { candidates, scope, slept } = setup(['a']);
    const log: string[] = [];
    await runAttempts(candidates, exponential, scope, script([err(429, { retryAfter: 5 }), 'ok'], log));
    assert.deepEqual(log, ['1:a', '2:a']);
    assert.deepEqual(slept, [5_000]);
  });

  test('a retry-after longer than 30s is not waited for', async () => {
    const { candidates, scope, slept } = setup(['a']);
    const log: string[] = [];
    const result = await runAttempts(candidates, exponential, scope, script([err(429, { retryAfter: 120 })], log));
    assert.deepEqual(log, ['1:a']);
    assert.deepEqual(slept, []);
    assert.equal(result?.retryAfter, 120);
  });

  test('a spent quota falls back but is not retried on the same provider', async () => {
    const { candidates, scope } = setup(['a', 'b']);
    const log: string[] = [];
    await runAttempts(candidates, exponential, scope, script([err(429, { code: 'insufficient_quota' }), err(503), 'ok'], log));
    assert.deepEqual(log, ['1:a', '2:b', '3:b']);
  });

  test('no wait that would overrun the deadline', async () => {
    const { candidates, scope, clock } = setup(['a']);
    const log: string[] = [];
    const bounded: AttemptScope = { ...scope, deadline: (clock as ManualClock)() + 2_500 };
    const slow = retryPolicy({ strategy: 'constant', delay: 2_000, 'max-retries': 5 }, noJitter);
    await runAttempts(candidates, slow, bounded, script([err(500), err(500), err(500)], log));
    assert.deepEqual(log, ['1:a', '2:a'], 'the second 2s wait would end after the deadline');
  });

  test('constant backoff with jitter stays within [delay/2, delay]', () => {
    let r = 0;
    const policy = retryPolicy({ strategy: 'constant', delay: 1_000, 'max-retries': 2 }, () => (r = (r + 0.37) % 1));
    for (let i = 0; i < 20; i++) {
      const ms = policy.backoffMs(i);
      assert.ok(ms >= 500 && ms <= 1_000, `${ms}`);
    }
  });
});

describe('health inside the loop', () => {
  test('an ejected candidate is skipped; none left before any attempt → 503', async () => {
    const { candidates, scope, clock } = setup(['a', 'b'], { minRequests: 1 });
    const h = candidates[0].target.health;
    h.report('error', h.acquire(clock()), clock());
    const log: string[] = [];
    await runAttempts(candidates, FALLBACK_ONLY, scope, script(['ok'], log));
    assert.deepEqual(log, ['1:b']);
    const hb = candidates[1].target.health;
    hb.report('error', hb.acquire(clock()), clock());
    const result = await runAttempts(candidates, FALLBACK_ONLY, scope, script(['ok'], log));
    assert.equal(result?.status, 503);
    assert.equal(result?.code, 'providers_unavailable');
    assert.ok((result?.retryAfter ?? 0) >= 1);
  });

  test('outcomes reach the health: 5xx errors eject, 429 cools down, success is ok', async () => {
    const { candidates, scope, clock } = setup(['a', 'b'], { minRequests: 1, ratio: 0.1 });
    await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(500), err(429, { retryAfter: 4 })], []));
    assert.equal(candidates[0].target.health.state, 'ejected');
    assert.equal(candidates[1].target.health.state, 'cooling');
    assert.equal(candidates[1].target.health.coolingMs(clock()), 4_000);
  });

  test('a cancelled attempt and a thrown one free a half-open trial slot', async () => {
    const { candidates, scope, clock } = setup(['a'], { minRequests: 1, ejectMs: 1_000 });
    const h = candidates[0].target.health;
    h.report('error', h.acquire(clock()), clock());
    clock.advance(1_000);
    await runAttempts(candidates, FALLBACK_ONLY, scope, async () => ({ committed: true, cancelled: true }));
    assert.equal(h.state, 'half-open');
    assert.equal(h.admits(clock()), true);
    await assert.rejects(runAttempts(candidates, FALLBACK_ONLY, scope, async () => Promise.reject(new Error('bug'))));
    assert.equal(h.admits(clock()), true);
    await runAttempts(candidates, FALLBACK_ONLY, scope, script(['ok'], []));
    assert.equal(h.state, 'healthy');
  });

  test('a failure before contacting the provider is no verdict on it', async () => {
    const { candidates, scope } = setup(['a'], { minRequests: 1 });
    await runAttempts(candidates, FALLBACK_ONLY, scope, async () => ({ committed: false, error: err(500), reached: false }));
    assert.equal(candidates[0].target.health.state, 'healthy');
  });

  test('an aborted request stops the loop', async () => {
    const { candidates, scope } = setup(['a', 'b']);
    const controller = new CancelSignal();
    const log: string[] = [];
    const attempt = script([err(503)], log);
    await runAttempts(candidates, FALLBACK_ONLY, { ...scope, signal: controller }, async (c, n) => {
      const out = await attempt(c, n);
      controller.abort(new Error('client gone'));
      return out;
    });
    assert.deepEqual(log, ['1:a']);
  });
});

describe('what the loop tells the log, and the error it sends', () => {
  /** Records every event as a short string. */
  function recorder(): { events: AttemptEvents; seen: string[] } {
    const seen: string[] = [];
    return {
      seen,
      events: {
        attemptFailed: (p, n, e) => seen.push(`failed ${n}:${p} ${e.status}`),
        fallback: (from, to, n) => seen.push(`fallback ${from}→${to} #${n}`),
        retry: (p, n, ms) => seen.push(`retry ${p} #${n} after ${ms}`),
        health: (change, h) => seen.push(`health ${h.provider} ${change}`),
      },
    };
  }

  test('each failed attempt, fallback, retry and health change is one event; success writes none', async () => {
    const { candidates, scope } = setup(['a', 'b'], { minRequests: 1 });
    const { events, seen } = recorder();
    const policy = retryPolicy({ strategy: 'constant', delay: 200, 'max-retries': 2 }, noJitter);
    await runAttempts(candidates, policy, { ...scope, events }, script([err(500), err(429, { retryAfter: 1 }), 'ok'], []));
    assert.deepEqual(seen, [
      'failed 1:a 500',
      `health a ${HealthChange.Ejected}`,
      'fallback a→b #2',
      'failed 2:b 429',
      `health b ${HealthChange.CoolingDown}`,
      // Round robin: a again, once its 5s ejection is over; its trial succeeds.
      'retry a #3 after 5001',
      `health a ${HealthChange.Readmitted}`,
    ]);
    seen.length = 0;
    await runAttempts([candidates[1]], FALLBACK_ONLY, { ...scope, events }, script(['ok'], []));
    assert.deepEqual(seen, []);
  });

  test('a half-open provider re-admitted by its trial is an event', async () => {
    const { candidates, scope, clock } = setup(['a'], { minRequests: 1, ejectMs: 1_000 });
    const h = candidates[0].target.health;
    h.report('error', h.acquire(clock()), clock());
    clock.advance(1_000);
    const { events, seen } = recorder();
    await runAttempts(candidates, FALLBACK_ONLY, { ...scope, events }, script(['ok'], []));
    assert.deepEqual(seen, [`health a ${HealthChange.Readmitted}`]);
  });

  test('when several attempts failed, the error lists every one; the last decides status and code', async () => {
    const { candidates, scope } = setup(['openai', 'anthropic']);
    const refused = new GatewayError({ status: 502, code: 'upstream_unreachable', provider: 'openai', reason: 'connect ECONNREFUSED', message: 'openai: could not be reached …' });
    const overloaded = new GatewayError({ status: 503, code: 'overloaded_error', provider: 'anthropic', message: 'anthropic: Overloaded', retryAfter: 3 });
    const result = await runAttempts(candidates, FALLBACK_ONLY, scope, script([refused, overloaded], []));
    assert.equal(result?.message, 'Router "t": 2 attempts failed — openai: connect ECONNREFUSED; anthropic: 503 Overloaded.');
    assert.equal(result?.status, 503);
    assert.equal(result?.code, 'overloaded_error');
    assert.equal(result?.retryAfter, 3);
  });

  test('a single failed attempt keeps its own message', async () => {
    const { candidates, scope } = setup(['a']);
    const result = await runAttempts(candidates, FALLBACK_ONLY, scope, script([err(503)], []));
    assert.equal(result?.message, 'status 503');
  });

  test('describeAttempt: the short reason when there is one, else status and message without the provider prefix', () => {
    assert.equal(describeAttempt('openai', new GatewayError({ status: 502, message: 'x', reason: 'connect ECONNREFUSED' })), 'openai: connect ECONNREFUSED');
    assert.equal(describeAttempt('anthropic', new GatewayError({ status: 400, message: 'anthropic: max_tokens: too large' })), 'anthropic: 400 max_tokens: too large');
    assert.ok(describeAttempt('a', new GatewayError({ status: 500, message: 'y'.repeat(500) })).length < 180);
  });
});
