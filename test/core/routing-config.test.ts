/** Compiling the routing keys: strategies, weights, timeouts, health settings. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/errors.js';
import type { Router } from '../../src/core/router.js';
import { compile, CUSTOM_PROVIDERS } from './routing-fixtures.js';

describe('routing config', () => {
  test('strategy names and aliases', () => {
    const compiled = compile({
      providers: CUSTOM_PROVIDERS,
      routers: {
        a: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } },
        b: { 'load-balance': { chat: { strategy: 'provider-latency', providers: ['openai'] } } },
        c: { 'load-balance': { chat: { strategy: 'weighted', providers: [{ provider: 'openai', weight: 1 }] } } },
        d: { 'load-balance': { chat: { strategy: 'provider-weighted', providers: [{ provider: 'openai', weight: '1' }] } } },
        e: { 'load-balance': { chat: { strategy: 'model-latency', models: ['openai/gpt-4o'] } } },
        f: { 'load-balance': { chat: { strategy: 'model-weighted', models: [{ model: 'openai/gpt-4o', weight: 1 }] } } },
      },
    });
    const strategies = Object.fromEntries([...compiled.routers].map(([id, r]) => [id, r.strategy.name]));
    assert.deepEqual(strategies, { a: 'latency', b: 'latency', c: 'weighted', d: 'weighted', e: 'latency', f: 'weighted' });
  });

  test('weights not summing to 1 are normalised, with a warning', () => {
    const compiled = compile({
      providers: CUSTOM_PROVIDERS,
      routers: { w: { 'load-balance': { chat: { strategy: 'weighted', providers: [{ provider: 'openai', weight: 3 }, { provider: 'backup', weight: 1 }] } } } },
    });
    const router = compiled.routers.get('w') as Router;
    assert.deepEqual(router.targets.map((t) => t.weight), [0.75, 0.25]);
    assert.ok(compiled.warnings.some((w) => /weights sum to 4, not 1/.test(w)));
  });

  test('a zero or negative weight is a config error', () => {
    assert.throws(
      () => compile({ routers: { w: { 'load-balance': { chat: { strategy: 'weighted', providers: [{ provider: 'openai', weight: 0 }] } } } } }),
      (e: unknown) => e instanceof ConfigError && /weights must be positive/.test(e.message),
    );
  });

  test('per-router dispatcher timeouts override the global ones key by key', () => {
    const compiled = compile({
      dispatcher: { timeout: '60s', connection_timeout: '3s', 'first-byte-timeout': '20s' },
      routers: {
        plain: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } },
        quick: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } }, dispatcher: { timeout: '5s', 'connection-timeout': '500ms' } },
      },
    });
    const plain = compiled.routers.get('plain') as Router;
    const quick = compiled.routers.get('quick') as Router;
    assert.deepEqual([plain.timeouts.totalMs, plain.timeouts.connectMs, plain.timeouts.firstByteMs], [60_000, 3_000, 20_000]);
    // First byte can never wait longer than the whole request.
    assert.deepEqual([quick.timeouts.totalMs, quick.timeouts.connectMs, quick.timeouts.firstByteMs], [5_000, 500, 5_000]);
    assert.deepEqual(quick.timeouts.upstream, { connectMs: 500, firstByteMs: 5_000, totalMs: 5_000 });
    assert.equal(compiled.timeouts.totalMs, 60_000);
  });

  test('defaults: 15m whole request, 10s connect', () => {
    const compiled = compile({ routers: { r: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } } } });
    const r = compiled.routers.get('r') as Router;
    assert.deepEqual([r.timeouts.totalMs, r.timeouts.connectMs, r.timeouts.firstByteMs], [900_000, 10_000, 900_000]);
  });

  test('discover.monitor.health keys reach the health state', () => {
    const compiled = compile({
      discover: { monitor: { health: { ratio: '0.25', window: '10s', buckets: 5, interval: '2s', 'grace-period': { 'min-requests': 4 } } } },
    });
    assert.equal(compiled.health.settings.ratio, 0.25);
    assert.equal(compiled.health.settings.windowMs, 10_000);
    assert.equal(compiled.health.settings.buckets, 5);
    assert.equal(compiled.health.settings.ejectMs, 2_000);
    assert.equal(compiled.health.settings.minRequests, 4);
  });

  test('a window too fine for its buckets is refused', () => {
    assert.throws(() => compile({ discover: { monitor: { health: { window: '5ms', buckets: 10 } } } }), ConfigError);
  });

  test('the same upstream shares one health; a router base-url override gets its own', () => {
    const compiled = compile({
      routers: {
        a: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } },
        b: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } },
        c: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } }, providers: { openai: { 'base-url': 'http://127.0.0.1:7/' } } },
      },
    });
    const health = (id: string) => (compiled.routers.get(id) as Router).targets[0].health;
    assert.equal(health('a'), health('b'));
    assert.notEqual(health('a'), health('c'));
  });
});
