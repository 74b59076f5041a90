/**
 * Golden costs from real usage payloads: OpenAI, Azure OpenAI and Mistral. Each payload goes
 * through the adapter's own usage handling, then tokenUsage(), then the price book with the
 * shipped table; the expected USD is worked out by hand from the table's rates (stated per test,
 * USD per million tokens) and compared exactly (costs are rounded to 1e-10 USD).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Usage } from '../../../src/core/chat-types.js';
import { normalizeMistralUsage } from '../../../src/providers/mistral/mistral-content.js';
import { chatUsageFromResponses, fixture, sharedPriceBook, tableSource, tokens, usageOf } from './usage-fixtures.js';

describe('golden costs: OpenAI (Chat usage is canonical as OpenAI sends it)', () => {
  test('plain: recorded gpt-4.1-nano stream, final usage chunk', async () => {
    const usage = tokens(usageOf<Usage>(fixture('openai/gpt-4.1-nano-stream-usage-chunk.json')));
    assert.deepEqual(usage, { input_tokens: 16, output_tokens: 300, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // gpt-4.1-nano: input 0.10, output 0.40 → 16·0.10 + 300·0.40 = 121.6 per million.
    const priced = (await sharedPriceBook()).price('openai', 'gpt-4.1-nano-2025-04-14', usage);
    assert.deepEqual(priced, { cost_usd: 0.0001216, price_source: tableSource() });
  });

  test('cached: OpenAI prompt-caching guide example, priced as gpt-4o-mini-2024-07-18', async () => {
    const usage = tokens(usageOf<Usage>(fixture('openai/docs-prompt-caching-usage.json')));
    assert.deepEqual(usage, { input_tokens: 2006, output_tokens: 300, cached_tokens: 1920, cache_write_tokens: 0, reasoning_tokens: 0 });
    // gpt-4o-mini: input 0.15, cached 0.075, output 0.60 → 86·0.15 + 1920·0.075 + 300·0.60 = 12.9 + 144 + 180.
    const priced = (await sharedPriceBook()).price('openai', 'gpt-4o-mini-2024-07-18', usage);
    assert.equal(priced.cost_usd, 0.0003369);
  });

  test('reasoning: OpenAI reasoning guide example (Responses usage), priced as o4-mini-2025-04-16', async () => {
    const usage = tokens(chatUsageFromResponses(usageOf(fixture('openai/docs-reasoning-responses-usage.json'))));
    assert.deepEqual(usage, { input_tokens: 75, output_tokens: 1186, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 1024 });
    // o4-mini: input 1.10, output 4.40, no reasoning rate (→ output's) → 75·1.1 + 162·4.4 + 1024·4.4 = 82.5 + 712.8 + 4505.6.
    const priced = (await sharedPriceBook()).price('openai', 'o4-mini-2025-04-16', usage);
    assert.equal(priced.cost_usd, 0.0053009);
  });
});

describe('golden costs: Azure OpenAI (OpenAI models by the name the client used)', () => {
  test('plain: recorded Azure gpt-5.1 response (Responses usage)', async () => {
    const usage = tokens(chatUsageFromResponses(usageOf(fixture('azure/gpt-5.1-responses-usage.json'))));
    assert.deepEqual(usage, { input_tokens: 11, output_tokens: 11, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // Azure gpt-5.1: input 1.25, output 10 → 11·1.25 + 11·10 = 123.75.
    const priced = (await sharedPriceBook()).price('azure', 'gpt-5.1', usage);
    assert.deepEqual(priced, { cost_usd: 0.00012375, price_source: tableSource() });
  });

  test('cached and reasoning: Azure prompt-caching doc example, o1-2024-12-17', async () => {
    const usage = tokens(usageOf<Usage>(fixture('azure/docs-prompt-caching-o1.json')));
    assert.deepEqual(usage, { input_tokens: 1566, output_tokens: 1518, cached_tokens: 1408, cache_write_tokens: 0, reasoning_tokens: 576 });
    // Azure o1: input 15, cached 7.5, output 60 → 158·15 + 1408·7.5 + 942·60 + 576·60 = 2370 + 10560 + 56520 + 34560.
    const priced = (await sharedPriceBook()).price('azure', 'o1-2024-12-17', usage);
    assert.equal(priced.cost_usd, 0.10401);
  });

  test('reasoning: recorded Azure stream (model router → gpt-5-nano-2025-08-07), final usage chunk', async () => {
    const usage = tokens(usageOf<Usage>(fixture('azure/gpt-5-nano-model-router-usage-chunk.json')));
    assert.deepEqual(usage, { input_tokens: 15, output_tokens: 78, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 64 });
    // Azure gpt-5-nano: input 0.05, output 0.40 → 15·0.05 + 14·0.4 + 64·0.4 = 0.75 + 5.6 + 25.6.
    const priced = (await sharedPriceBook()).price('azure', 'gpt-5-nano-2025-08-07', usage);
    assert.equal(priced.cost_usd, 0.00003195);
  });

  test('a deployment name that is no OpenAI model is unpriced, not 0', async () => {
    const usage = tokens(usageOf<Usage>(fixture('azure/gpt-5-nano-model-router-usage-chunk.json')));
    assert.deepEqual((await sharedPriceBook()).price('azure', 'prod-chat-deployment', usage), { cost_usd: null, price_source: null });
  });
});

describe('golden costs: Mistral (normalizeMistralUsage)', () => {
  test('plain: recorded mistral-small-latest stream, usage on the finish chunk', async () => {
    const usage = tokens(normalizeMistralUsage(usageOf(fixture('mistral/mistral-small-tool-call-finish-chunk.json'))));
    assert.deepEqual(usage, { input_tokens: 124, output_tokens: 22, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // mistral-small-latest: input 0.10, output 0.30 → 124·0.1 + 22·0.3 = 12.4 + 6.6.
    const priced = (await sharedPriceBook()).price('mistral', 'mistral-small-latest', usage);
    assert.deepEqual(priced, { cost_usd: 0.000019, price_source: tableSource() });
  });

  test('cached: recorded live response reporting prompt_tokens_details.cached_tokens (0; the table has no Mistral cache rate)', async () => {
    const usage = tokens(normalizeMistralUsage(usageOf(fixture('mistral/mistral-small-live.json'))));
    assert.deepEqual(usage, { input_tokens: 19, output_tokens: 2, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // 19·0.1 + 2·0.3 = 2.5; a cached token would cost input's 0.10 (no cache rate for Mistral).
    const book = await sharedPriceBook();
    assert.equal(book.price('mistral', 'mistral-small-latest', usage).cost_usd, 0.0000025);
    assert.equal(book.price('mistral', 'mistral-small-latest', { ...usage, cached_tokens: 10 }).cost_usd, 0.0000025);
  });

  test('reasoning: recorded magistral-medium-2507 (thinking counted in completion tokens)', async () => {
    const usage = tokens(normalizeMistralUsage(usageOf(fixture('mistral/magistral-medium-reasoning.json'))));
    assert.deepEqual(usage, { input_tokens: 10, output_tokens: 46, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // magistral-medium: input 2, output 5 → 10·2 + 46·5 = 250.
    const priced = (await sharedPriceBook()).price('mistral', 'magistral-medium-2507', usage);
    assert.equal(priced.cost_usd, 0.00025);
  });
});
