/** Weighted shares and the peak-EWMA power-of-two-choices latency strategy. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, type Balanceable } from '../../src/core/balance/strategy.js';
import { weightedStrategy } from '../../src/core/balance/weighted.js';
import { latencyStrategy } from '../../src/core/balance/latency.js';
import { TargetStats } from '../../src/core/balance/target-stats.js';
import { manualClock } from './routing-fixtures.js';

interface Item extends Balanceable {
  name: string;
  target: { weight: number; stats: TargetStats };
}

function items(spec: Array<[string, number]>, clock = manualClock(), defaultRtt = 250): Item[] {
  return spec.map(([name, weight]) => ({ name, target: { weight, stats: new TargetStats(defaultRtt, 30_000, clock) } }));
}

describe('weighted', () => {
  test('first picks follow the weights within 2%', () => {
    const pool = items([['a', 0.6], ['b', 0.3], ['c', 0.1]]);
    const random = seededRandom(7);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      const order = pool.slice();
      weightedStrategy.order(order, random, 0);
      counts[order[0].name]++;
    }
    assert.ok(Math.abs(counts.a / N - 0.6) < 0.02, `a ${counts.a / N}`);
    assert.ok(Math.abs(counts.b / N - 0.3) < 0.02, `b ${counts.b / N}`);
    assert.ok(Math.abs(counts.c / N - 0.1) < 0.02, `c ${counts.c / N}`);
  });

  test('the order is a permutation (fallbacks are the rest)', () => {
    const pool = items([['a', 0.5], ['b', 0.25], ['c', 0.25]]);
    const random = seededRandom(1);
    for (let i = 0; i < 100; i++) {
      const order = pool.slice();
      weightedStrategy.order(order, random, 0);
      assert.deepEqual(order.map((x) => x.name).sort(), ['a', 'b', 'c']);
    }
  });

  test('a left-out target re-normalises the others', () => {
    const [a, , c] = items([['a', 0.5], ['b', 0.4], ['c', 0.1]]);
    const random = seededRandom(3);
    let aFirst = 0;
    const N = 10_000;
    for (let i = 0; i < N; i++) {
      const order = [a, c];
      weightedStrategy.order(order, random, 0);
      if (order[0] === a) aFirst++;
    }
    assert.ok(Math.abs(aFirst / N - 5 / 6) < 0.02, `${aFirst / N}`);
  });
});

describe('latency (p2c over peak EWMA)', () => {
  /** Simulates sequential requests: the first of each order is used and reports its latency. */
  function run(pool: Item[], latencyOf: Record<string, number>, n: number, clock: ReturnType<typeof manualClock>, seed = 5): Record<string, number> {
    const random = seededRandom(seed);
    const picks: Record<string, number> = {};
    for (const p of pool) picks[p.name] = 0;
    for (let i = 0; i < n; i++) {
      const order = pool.slice();
      latencyStrategy.order(order, random, clock());
      const chosen = order[0];
      picks[chosen.name]++;
      chosen.target.stats.start();
      clock.advance(latencyOf[chosen.name]);
      chosen.target.stats.sample(latencyOf[chosen.name]);
      chosen.target.stats.release();
      clock.advance(10);
    }
    return picks;
  }

  test('traffic moves to the fast provider', () => {
    const clock = manualClock();
    const pool = items([['fast', 1], ['slow', 1]], clock);
    const picks = run(pool, { fast: 50, slow: 800 }, 1_000, clock);
    assert.ok(picks.fast > 950, `fast got ${picks.fast} of 1000`);
    assert.ok(picks.slow >= 1, 'the slow one was measured at least once');
  });

  test('with three providers the slowest gets the least', () => {
    const clock = manualClock();
    const pool = items([['a', 1], ['b', 1], ['c', 1]], clock);
    const picks = run(pool, { a: 40, b: 120, c: 900 }, 3_000, clock, 11);
    assert.ok(picks.a > picks.b && picks.b > picks.c, JSON.stringify(picks));
    assert.ok(picks.c < 100, JSON.stringify(picks));
  });

  test('requests in flight count as load', () => {
    const clock = manualClock();
    // A low default so the samples below are peaks and count at once.
    const [a, b] = items([['a', 1], ['b', 1]], clock, 1);
    a.target.stats.sample(100);
    b.target.stats.sample(150);
    const random = seededRandom(2);
    let order = [a, b];
    latencyStrategy.order(order, random, clock());
    assert.equal(order[0].name, 'a');
    a.target.stats.start();
    a.target.stats.start();
    order = [a, b];
    latencyStrategy.order(order, random, clock());
    assert.equal(order[0].name, 'b', '100ms × 3 in flight costs more than 150ms × 1');
  });

  test('a peak is taken at once; lower samples decay in over time', () => {
    const clock = manualClock();
    const s = new TargetStats(250, 30_000, clock);
    s.sample(1_000);
    assert.equal(s.latencyMs(clock()), 1_000);
    s.start();
    clock.advance(30_000);
    s.sample(100);
    const estimate = s.latencyMs(clock());
    // One time constant: 1000·e⁻¹ + 100·(1 − e⁻¹) ≈ 431.
    assert.ok(Math.abs(estimate - (1_000 * Math.exp(-1) + 100 * (1 - Math.exp(-1)))) < 1, `${estimate}`);
  });

  test('an idle slow provider fades, so it is tried again later', () => {
    const clock = manualClock();
    const [fast, slow] = items([['fast', 1], ['slow', 1]], clock);
    slow.target.stats.sample(1_000);
    fast.target.stats.sample(100);
    const random = seededRandom(9);
    const order = [fast, slow];
    latencyStrategy.order(order, random, clock());
    assert.equal(order[0].name, 'fast');
    // Keep the fast one busy-fresh; leave the slow one idle for two minutes.
    clock.advance(120_000);
    fast.target.stats.sample(100);
    const later = [fast, slow];
    latencyStrategy.order(later, random, clock());
    assert.equal(later[0].name, 'slow');
  });

  test('fallbacks come least loaded first', () => {
    const clock = manualClock();
    const pool = items([['a', 1], ['b', 1], ['c', 1], ['d', 1]], clock, 1);
    [400, 100, 300, 200].forEach((ms, i) => pool[i].target.stats.sample(ms));
    const random = seededRandom(4);
    for (let i = 0; i < 20; i++) {
      const order = pool.slice();
      latencyStrategy.order(order, random, clock());
      const rest = order.slice(1).map((x) => x.target.stats.load(clock()));
      assert.deepEqual(rest, [...rest].sort((x, y) => x - y));
    }
  });
});
