/** Router candidates: model mapping, Helicone's source-model rule, health filtering and the fast 503. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/core/gateway-error.js';
import { Admission } from '../../src/core/health/provider-health.js';
import type { Router } from '../../src/core/router.js';
import { UnifiedApi } from '../../src/core/unified.js';
import { compile, CUSTOM_PROVIDERS } from './routing-fixtures.js';

function names(router: Router, model: string): string[] {
  return router.candidates(model).map((c) => `${c.target.provider.name}/${c.model}`);
}

function rejects(fn: () => unknown, check: (e: GatewayError) => void): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    check(err);
    return true;
  });
}

describe('model mapping on a router', () => {
  const compiled = compile({
    providers: CUSTOM_PROVIDERS,
    routers: {
      mixed: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai', 'anthropic', 'backup'] } } },
      mapped: {
        'load-balance': { chat: { strategy: 'weighted', providers: [{ provider: 'openai', weight: 1 }, { provider: 'anthropic', weight: 1 }] } },
        'model-mappings': { 'gpt-4o-mini': ['anthropic/claude-3-5-haiku-latest'] },
      },
    },
  });
  const mixed = compiled.routers.get('mixed') as Router;
  const mapped = compiled.routers.get('mapped') as Router;

  test('a bare model goes to providers serving it and to the others through the default mapping', () => {
    assert.deepEqual(names(mixed, 'gpt-4o-mini').sort(), ['anthropic/claude-haiku-4-5', 'backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
    assert.deepEqual(names(mixed, 'claude-haiku-4-5').sort(), ['anthropic/claude-haiku-4-5', 'backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
  });

  test('dated versions are the same model', () => {
    assert.ok(names(mixed, 'gpt-4o-mini-2024-07-18').includes('openai/gpt-4o-mini-2024-07-18'));
  });

  test('a provider with no equivalent is left out for that request', () => {
    // text-embedding-3-small has no Anthropic equivalent; backup does not list it.
    assert.deepEqual(names(mixed, 'text-embedding-3-small'), ['openai/text-embedding-3-small']);
  });

  test("the router's model-mappings replaces the default mapping", () => {
    assert.deepEqual(names(mapped, 'gpt-4o-mini').sort(), ['anthropic/claude-3-5-haiku-latest', 'openai/gpt-4o-mini']);
    // gpt-4o has no entry in this router's mapping: only openai serves it.
    assert.deepEqual(names(mapped, 'gpt-4o'), ['openai/gpt-4o']);
  });

  test('provider/model is the source model: every provider that serves or maps it is a candidate', () => {
    assert.deepEqual(names(mixed, 'openai/gpt-4o-mini').sort(), ['anthropic/claude-haiku-4-5', 'backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
    // No equivalent elsewhere: only the named provider.
    assert.deepEqual(names(mixed, 'anthropic/claude-opus-4-1'), ['anthropic/claude-opus-4-1']);
  });

  test('a new provider/model goes to that provider only, unchanged', () => {
    assert.deepEqual(names(mixed, 'backup/whatever-new'), ['backup/whatever-new']);
  });

  test("provider/model of a provider the router does not use is mapped to the router's providers", () => {
    assert.deepEqual(names(mixed, 'gemini/gemini-2.5-flash').sort(), ['anthropic/claude-haiku-4-5', 'backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
    rejects(() => mapped.candidates('gemini/gemini-2.5-pro'), (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.code, 'model_not_available');
      assert.match(e.message, /gemini\/gemini-2\.5-pro/);
    });
  });

  test('weighted 0.25/0.75: openai/gpt-4o-mini goes first to Anthropic ~75% of the time (seeded)', () => {
    const compiled = compile({
      routers: {
        w: {
          'load-balance': {
            chat: { strategy: 'provider-weighted', providers: [{ provider: 'openai', weight: '0.25' }, { provider: 'anthropic', weight: '0.75' }] },
          },
        },
      },
    });
    const router = compiled.routers.get('w') as Router;
    let anthropicFirst = 0;
    for (let i = 0; i < 4_000; i++) if (router.candidates('openai/gpt-4o-mini')[0].target.provider.name === 'anthropic') anthropicFirst++;
    assert.ok(Math.abs(anthropicFirst / 4_000 - 0.75) < 0.03, `${anthropicFirst / 4_000}`);
  });

  test('a model of another provider with no equivalent here → 400 naming the model', () => {
    rejects(() => mapped.candidates('gemini-2.5-pro'), (e) => {
      assert.equal(e.status, 400);
      assert.equal(e.param, 'model');
      assert.match(e.message, /gemini-2\.5-pro/);
    });
  });

  test('a model no list knows is new: every provider gets it unchanged', () => {
    assert.deepEqual(names(mixed, 'gpt-7-turbo').sort(), ['anthropic/gpt-7-turbo', 'backup/gpt-7-turbo', 'openai/gpt-7-turbo']);
  });
});

describe('model strategies', () => {
  const compiled = compile({
    providers: CUSTOM_PROVIDERS,
    routers: {
      ml: { 'load-balance': { chat: { strategy: 'model-latency', models: ['openai/gpt-4o-mini', 'backup/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] } } },
      mw: { 'load-balance': { chat: { strategy: 'model-weighted', models: [{ model: 'openai/gpt-4o', weight: '0.75' }, { model: 'anthropic/claude-sonnet-4-5', weight: '0.25' }] } } },
    },
  });
  const ml = compiled.routers.get('ml') as Router;
  const mw = compiled.routers.get('mw') as Router;

  test('model-latency: a request naming a listed model name goes to the targets of that name', () => {
    assert.deepEqual(names(ml, 'gpt-4o-mini').sort(), ['backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
    // The name selects the group, whichever provider the request names (Helicone's model-latency).
    assert.deepEqual(names(ml, 'openai/gpt-4o-mini').sort(), ['backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
    assert.deepEqual(names(ml, 'anthropic/claude-haiku-4-5'), ['anthropic/claude-haiku-4-5']);
  });

  test('any other model lets the strategy choose among all, sending the configured model', () => {
    assert.equal(names(ml, 'something-else').length, 3);
    assert.deepEqual(names(mw, 'gpt-4o-mini').sort(), ['anthropic/claude-sonnet-4-5', 'openai/gpt-4o']);
  });

  test('model-weighted shares follow the weights, whatever model the request names', () => {
    for (const model of ['x', 'openai/gpt-4o', 'anthropic/claude-sonnet-4-5']) {
      let openaiFirst = 0;
      for (let i = 0; i < 4_000; i++) if (mw.candidates(model)[0].target.provider.name === 'openai') openaiFirst++;
      assert.ok(Math.abs(openaiFirst / 4_000 - 0.75) < 0.03, `${model}: ${openaiFirst / 4_000}`);
    }
  });
});

describe('health in selection', () => {
  function setup() {
    const compiled = compile({
      providers: CUSTOM_PROVIDERS,
      discover: { monitor: { health: { ratio: 0.5, 'grace-period': { 'min-requests': 1 }, interval: '5s' } } },
      routers: {
        pair: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai', 'backup'] } } },
        solo: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } },
      },
    });
    const pair = compiled.routers.get('pair') as Router;
    const solo = compiled.routers.get('solo') as Router;
    const healthOf = (name: string) => (pair.targets.find((t) => t.provider.name === name) as Router['targets'][number]).health;
    const fail = (name: string) => {
      const h = healthOf(name);
      h.report('error', h.acquire(compiled.testClock()), compiled.testClock());
    };
    return { compiled, pair, solo, healthOf, fail, clock: compiled.testClock };
  }

  test('health is per provider, shared by routers and /ai', () => {
    const { compiled, pair, solo, fail } = setup();
    fail('openai');
    assert.deepEqual(names(pair, 'gpt-4o-mini'), ['backup/gpt-4o-mini']);
    rejects(() => solo.candidates('gpt-4o-mini'), (e) => assert.equal(e.status, 503));
    const unified = new UnifiedApi(compiled);
    rejects(() => unified.candidates('openai/gpt-4o-mini'), (e) => assert.equal(e.code, 'providers_unavailable'));
  });

  test('all ejected → fast 503 with retry-after until the first trial', () => {
    const { pair, fail, clock } = setup();
    fail('openai');
    clock.advance(2_000);
    fail('backup');
    rejects(() => pair.candidates('gpt-4o-mini'), (e) => {
      assert.equal(e.status, 503);
      assert.equal(e.code, 'providers_unavailable');
      assert.equal(e.retryAfter, 3, 'openai is re-tried first, 3s from now');
      assert.match(e.message, /Router "pair"/);
      assert.match(e.message, /openai was taken out after too many errors/);
    });
    clock.advance(3_000);
    assert.deepEqual(names(pair, 'gpt-4o-mini'), ['openai/gpt-4o-mini'], 'half-open: the trial may go');
  });

  test('a running trial holds back other requests', () => {
    const { solo, healthOf, fail, clock } = setup();
    fail('openai');
    clock.advance(5_000);
    const trial = healthOf('openai').acquire(clock());
    assert.equal(trial, Admission.Trial);
    rejects(() => solo.candidates('gpt-4o-mini'), (e) => assert.equal(e.retryAfter, 1));
    healthOf('openai').report('ok', trial, clock());
    assert.equal(solo.candidates('gpt-4o-mini').length, 1);
  });

  test('a provider cooling down after a 429 is routed around, and tried last', () => {
    const { pair, healthOf, clock } = setup();
    const h = healthOf('openai');
    h.report('rate-limited', h.acquire(clock()), clock(), 10);
    for (let i = 0; i < 20; i++) assert.deepEqual(names(pair, 'gpt-4o-mini'), ['backup/gpt-4o-mini', 'openai/gpt-4o-mini']);
    clock.advance(10_000);
    const firsts = new Set<string>();
    for (let i = 0; i < 50; i++) firsts.add(names(pair, 'gpt-4o-mini')[0]);
    assert.equal(firsts.size, 2, 'back in rotation');
  });
});
