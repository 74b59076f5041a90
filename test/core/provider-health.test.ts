/** Passive health: rolling error window, ejection, half-open trials, 429 cool-down. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RollingWindow } from '../../src/core/health/rolling-window.js';
import { Admission, DEFAULT_HEALTH, HealthChange, ProviderHealth, type HealthSettings } from '../../src/core/health/provider-health.js';
import { manualClock } from './routing-fixtures.js';

function health(overrides: Partial<HealthSettings> = {}) {
  const clock = manualClock();
  const h = new ProviderHealth('openai', { ...DEFAULT_HEALTH, ...overrides }, clock);
  return { h, clock };
}

/** Sends `n` requests through `h`, failing the first `errors` of them. */
function traffic(h: ProviderHealth, now: number, n: number, errors: number): void {
  for (let i = 0; i < n; i++) {
    const a = h.acquire(now);
    assert.notEqual(a, Admission.Denied, `request ${i} admitted`);
    h.report(i < errors ? 'error' : 'ok', a, now);
  }
}

describe('rolling window', () => {
  test('honours window and buckets: counts fall out one bucket at a time', () => {
    const w = new RollingWindow(10_000, 5); // 2s buckets
    w.record(0, true);
    w.record(1_000, false);
    w.record(2_500, true);
    assert.equal(w.requestCount(2_500), 3);
    assert.equal(w.errorCount(2_500), 2);
    // At 10s the bucket [0, 2s) has left the window; [2s, 4s) is still in.
    assert.equal(w.requestCount(10_000), 1);
    assert.equal(w.errorCount(10_000), 1);
    assert.equal(w.requestCount(12_000), 0);
  });

  test('a long silence clears everything', () => {
    const w = new RollingWindow(60_000, 10);
    for (let i = 0; i < 100; i++) w.record(i, true);
    assert.equal(w.requestCount(1_000_000), 0);
    w.record(1_000_000, false);
    assert.equal(w.requestCount(1_000_000), 1);
  });

  test('a single bucket works too', () => {
    const w = new RollingWindow(1_000, 1);
    w.record(10, true);
    assert.equal(w.errorCount(999), 1);
    assert.equal(w.errorCount(1_000), 0);
  });
});

describe('outlier ejection', () => {
  test('no verdict before min-requests, ejection once the ratio is exceeded', () => {
    const { h, clock } = health({ minRequests: 10, ratio: 0.2 });
    traffic(h, clock(), 9, 9);
    assert.equal(h.state, 'healthy', 'grace period: 9 requests are not judged');
    traffic(h, clock(), 1, 1);
    assert.equal(h.state, 'ejected');
    assert.equal(h.admits(clock()), false);
    assert.equal(h.acquire(clock()), Admission.Denied);
  });

  test('a ratio at the threshold is not an outlier', () => {
    const { h, clock } = health({ minRequests: 10, ratio: 0.2 });
    traffic(h, clock(), 10, 2);
    assert.equal(h.state, 'healthy');
    traffic(h, clock(), 1, 1);
    assert.equal(h.state, 'ejected');
  });

  test('old errors leave the window', () => {
    const { h, clock } = health({ minRequests: 5, ratio: 0.5, windowMs: 10_000, buckets: 10 });
    traffic(h, clock(), 4, 4);
    clock.advance(11_000);
    traffic(h, clock(), 4, 0);
    traffic(h, clock(), 1, 1);
    assert.equal(h.state, 'healthy');
  });

  test('half-open: one trial at a time; success re-admits with a clean window', () => {
    const { h, clock } = health({ minRequests: 2, ratio: 0.1, ejectMs: 5_000 });
    traffic(h, clock(), 2, 2);
    assert.equal(h.state, 'ejected');
    assert.equal(Math.round(h.waitMs(clock())), 5_000);
    clock.advance(5_000);
    assert.equal(h.state, 'half-open');
    const trial = h.acquire(clock());
    assert.equal(trial, Admission.Trial);
    assert.equal(h.admits(clock()), false, 'a second request waits for the trial');
    assert.equal(h.acquire(clock()), Admission.Denied);
    h.report('ok', trial, clock());
    assert.equal(h.state, 'healthy');
    assert.deepEqual(h.counts(clock()), { requests: 0, errors: 0 });
    // One new error does not eject again: the old ones are gone.
    traffic(h, clock(), 1, 1);
    assert.equal(h.state, 'healthy');
  });

  test('a failed trial ejects again for twice as long, capped', () => {
    const { h, clock } = health({ minRequests: 1, ratio: 0.1, ejectMs: 1_000, maxEjectMs: 3_000 });
    traffic(h, clock(), 1, 1);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.push(Math.round(h.waitMs(clock())));
      clock.advance(h.waitMs(clock()));
      const trial = h.acquire(clock());
      assert.equal(trial, Admission.Trial);
      h.report('error', trial, clock());
    }
    assert.deepEqual(waits, [1_000, 2_000, 3_000, 3_000]);
  });

  test('a cancelled trial frees the slot without a verdict', () => {
    const { h, clock } = health({ minRequests: 1, ejectMs: 1_000 });
    traffic(h, clock(), 1, 1);
    clock.advance(1_000);
    const trial = h.acquire(clock());
    h.release(trial);
    assert.equal(h.state, 'half-open');
    assert.equal(h.acquire(clock()), Admission.Trial);
  });

  test('4xx answers are not errors; broken streams are', () => {
    const { h, clock } = health({ minRequests: 3, ratio: 0.4 });
    traffic(h, clock(), 3, 0);
    h.lateFailure(clock());
    h.lateFailure(clock());
    assert.equal(h.state, 'healthy', '2 of 5');
    h.lateFailure(clock());
    assert.equal(h.state, 'ejected', '3 of 6');
  });
});

describe('429 cool-down', () => {
  test('retry-after sets the cool-down; the provider stays admitted (routers route around it)', () => {
    const { h, clock } = health();
    const a = h.acquire(clock());
    h.report('rate-limited', a, clock(), 7);
    assert.equal(h.state, 'cooling');
    assert.equal(h.admits(clock()), true);
    assert.equal(h.coolingMs(clock()), 7_000);
    assert.match(h.describe(clock()), /cooling down after a 429 \(7s left\)/);
    clock.advance(7_000);
    assert.equal(h.coolingMs(clock()), 0);
    assert.equal(h.state, 'healthy');
  });

  test('without retry-after: 1s, 2s, 4s … reset by a success', () => {
    const { h, clock } = health();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.report('rate-limited', h.acquire(clock()), clock());
      seen.push(h.coolingMs(clock()));
      clock.advance(h.coolingMs(clock()));
    }
    assert.deepEqual(seen, [1_000, 2_000, 4_000]);
    h.report('ok', h.acquire(clock()), clock());
    h.report('rate-limited', h.acquire(clock()), clock());
    assert.equal(h.coolingMs(clock()), 1_000);
  });

  test('429s never eject', () => {
    const { h, clock } = health({ minRequests: 1 });
    for (let i = 0; i < 50; i++) h.report('rate-limited', h.acquire(clock()), clock(), 0);
    assert.equal(h.state, 'healthy');
  });
});

describe('what a report changed (for the event lines)', () => {
  test('ejection, a failed trial, re-admission and a 429 cool-down are reported; plain outcomes are not', () => {
    const { h, clock } = health({ minRequests: 2, ratio: 0.4, ejectMs: 1_000 });
    assert.equal(h.report('ok', h.acquire(clock()), clock()), HealthChange.None);
    assert.equal(h.report('error', h.acquire(clock()), clock()), HealthChange.Ejected);
    clock.advance(1_000);
    assert.equal(h.report('error', h.acquire(clock()), clock()), HealthChange.TrialFailed);
    clock.advance(2_000);
    assert.equal(h.report('ok', h.acquire(clock()), clock()), HealthChange.Readmitted);
    assert.equal(h.report('rate-limited', h.acquire(clock()), clock(), 3), HealthChange.CoolingDown);
    // A stream that broke: 1 error in 2 requests is over the 0.4 ratio.
    assert.equal(h.lateFailure(clock()), HealthChange.Ejected);
    // Already out: no second ejection.
    assert.equal(h.lateFailure(clock()), HealthChange.None);
  });
});
