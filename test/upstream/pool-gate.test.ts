/** The bound in front of an upstream pool: in flight, waiting, refused. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolExhaustedError, PoolGate, poolLimits, DEFAULT_POOL_LIMITS, type Waiter } from '../../src/upstream/pool-gate.js';

function waiter(name: string, log: string[]): Waiter {
  return {
    queuedAt: -1,
    start: () => log.push(`start ${name}`),
    refuse: (err) => log.push(`refuse ${name} ${(err as PoolExhaustedError).kind}`),
  };
}

describe('pool gate', () => {
  test('starts up to max-connections at once, queues up to max-queued, refuses the rest at once', () => {
    const gate = new PoolGate({ maxConnections: 2, maxQueued: 1, queueTimeoutMs: 60_000 });
    const log: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) gate.enter(waiter(name, log));
    assert.deepEqual(log, ['start a', 'start b', 'refuse d full']);
    assert.deepEqual(gate.counts(), { inFlight: 2, waiting: 1 });
    gate.leave();
    assert.deepEqual(log, ['start a', 'start b', 'refuse d full', 'start c']);
    assert.deepEqual(gate.counts(), { inFlight: 2, waiting: 0 });
    gate.leave();
    gate.leave();
    assert.deepEqual(gate.counts(), { inFlight: 0, waiting: 0 });
  });

  test('a waiter that withdraws is never started and frees its place', () => {
    const gate = new PoolGate({ maxConnections: 1, maxQueued: 1, queueTimeoutMs: 60_000 });
    const log: string[] = [];
    gate.enter(waiter('a', log));
    const b = waiter('b', log);
    gate.enter(b);
    assert.equal(gate.withdraw(b), true);
    assert.equal(gate.withdraw(b), false);
    gate.enter(waiter('c', log));
    gate.leave();
    assert.deepEqual(log, ['start a', 'start c']);
  });

  test('waiters are refused once the queue timeout passes, oldest first, with one timer', async () => {
    const gate = new PoolGate({ maxConnections: 1, maxQueued: 10, queueTimeoutMs: 60 });
    const log: string[] = [];
    gate.enter(waiter('a', log));
    gate.enter(waiter('b', log));
    await new Promise((r) => setTimeout(r, 30));
    gate.enter(waiter('c', log));
    await new Promise((r) => setTimeout(r, 45));
    assert.deepEqual(log, ['start a', 'refuse b waited']);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(log, ['start a', 'refuse b waited', 'refuse c waited']);
    assert.deepEqual(gate.counts(), { inFlight: 1, waiting: 0 });
  });

  test('max-queued 0 refuses at once whenever every connection is busy', () => {
    const gate = new PoolGate({ maxConnections: 1, maxQueued: 0, queueTimeoutMs: 1_000 });
    const log: string[] = [];
    gate.enter(waiter('a', log));
    gate.enter(waiter('b', log));
    assert.deepEqual(log, ['start a', 'refuse b full']);
  });

  test('limits come from dispatcher keys, with defaults', () => {
    assert.deepEqual(poolLimits({}), DEFAULT_POOL_LIMITS);
    assert.deepEqual(poolLimits({ 'max-connections': 8, 'max-queued': 2, 'queue-timeout': 500 }), { maxConnections: 8, maxQueued: 2, queueTimeoutMs: 500 });
  });
});
