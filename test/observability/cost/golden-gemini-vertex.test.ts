/**
 * Golden costs from real usage payloads: Gemini (AI Studio) and Vertex AI. mapGeminiUsage adds
 * thoughts to completion tokens (OpenAI's convention); they are billed at the output rate. Vertex
 * serves Gemini in the same format and Claude in Anthropic's. Expected USD by hand from the
 * table's rates (USD per million tokens, stated per test), compared exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnthropicUsage } from '../../../src/providers/anthropic/anthropic-api-types.js';
import { convertAnthropicUsage } from '../../../src/providers/anthropic/convert-anthropic-usage.js';
import type { GeminiUsageMetadata } from '../../../src/providers/gemini/gemini-types.js';
import { mapGeminiUsage } from '../../../src/providers/gemini/map-gemini-usage.js';
import { fixture, fixtureText, sharedPriceBook, tableSource, tokens, usageOf } from './usage-fixtures.js';

/** The caching guide prints the Python SDK's usage_metadata; its snake_case fields are the REST API's camelCase ones. */
function cachingGuideUsage(): GeminiUsageMetadata {
  const fields = Object.fromEntries(
    fixtureText('gemini/docs-context-caching-usage-metadata.txt')
      .trim()
      .split('\n')
      .map((line) => line.split(': '))
      .map(([name, value]) => [name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), Number(value)]),
  ) as GeminiUsageMetadata;
  assert.deepEqual(fields, { promptTokenCount: 696219, cachedContentTokenCount: 696190, candidatesTokenCount: 214, totalTokenCount: 696433 });
  return fields;
}

describe('golden costs: Gemini (mapGeminiUsage)', () => {
  test('plain: recorded live gemini-2.5-flash response (no cache; thinks by default)', async () => {
    const usage = tokens(mapGeminiUsage(usageOf<GeminiUsageMetadata>(fixture('gemini/gemini-2.5-flash-live-response.json'), 'usageMetadata')));
    assert.deepEqual(usage, { input_tokens: 6, output_tokens: 22, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 20 });
    // gemini-2.5-flash: input 0.30, output 2.50 → 6·0.3 + 2·2.5 + 20·2.5 = 1.8 + 5 + 50.
    const priced = (await sharedPriceBook()).price('gemini', 'gemini-2.5-flash', usage);
    assert.deepEqual(priced, { cost_usd: 0.0000568, price_source: tableSource() });
  });

  test('cached: Gemini caching guide example, model named by its resource path models/gemini-2.0-flash-001', async () => {
    const usage = tokens(mapGeminiUsage(cachingGuideUsage()));
    assert.deepEqual(usage, { input_tokens: 696219, output_tokens: 214, cached_tokens: 696190, cache_write_tokens: 0, reasoning_tokens: 0 });
    // gemini-2.0-flash (no long-context tier): input 0.10, cached 0.025, output 0.40
    // → 29·0.1 + 696190·0.025 + 214·0.4 = 2.9 + 17404.75 + 85.6 = 17493.25.
    const priced = (await sharedPriceBook()).price('gemini', 'models/gemini-2.0-flash-001', usage);
    assert.equal(priced.cost_usd, 0.01749325);
  });

  test('reasoning: recorded gemini-3-pro-preview stream, last chunk (thoughtsTokenCount 185)', async () => {
    const usage = tokens(mapGeminiUsage(usageOf<GeminiUsageMetadata>(fixture('gemini/gemini-3-pro-preview-stream-last-chunk.json'), 'usageMetadata')));
    assert.deepEqual(usage, { input_tokens: 9, output_tokens: 208, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 185 });
    // gemini-3-pro-preview (under 200k input): input 2, output 12 → 9·2 + 23·12 + 185·12 = 18 + 276 + 2220.
    const priced = (await sharedPriceBook()).price('gemini', 'gemini-3-pro-preview', usage);
    assert.equal(priced.cost_usd, 0.002514);
  });
});

describe('golden costs: Vertex AI (Gemini and Claude)', () => {
  test('plain: Vertex grounding doc response, gemini-2.0-flash (token cost only: grounding fees are per query)', async () => {
    const usage = tokens(mapGeminiUsage(usageOf<GeminiUsageMetadata>(fixture('vertex/docs-grounding-gemini-2.0-flash-usage.json'), 'usageMetadata')));
    assert.deepEqual(usage, { input_tokens: 10, output_tokens: 98, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // gemini-2.0-flash: input 0.10, output 0.40 → 10·0.1 + 98·0.4 = 1 + 39.2.
    const priced = (await sharedPriceBook()).price('vertex', 'gemini-2.0-flash', usage);
    assert.deepEqual(priced, { cost_usd: 0.0000402, price_source: tableSource() });
  });

  test('cached, past the long-context tier: the caching guide usage on gemini-2.5-pro', async () => {
    const usage = tokens(mapGeminiUsage(cachingGuideUsage()));
    // gemini-2.5-pro over 200k input: input 2.50, cached 0.25, output 15 (base 1.25 / 0.125 / 10)
    // → 29·2.5 + 696190·0.25 + 214·15 = 72.5 + 174047.5 + 3210 = 177330.
    const priced = (await sharedPriceBook()).price('vertex', 'gemini-2.5-pro', usage);
    assert.equal(priced.cost_usd, 0.17733);
  });

  test('reasoning: recorded Vertex gemini-3.1-pro-preview stream, last chunk (thoughtsTokenCount 1026)', async () => {
    const usage = tokens(mapGeminiUsage(usageOf<GeminiUsageMetadata>(fixture('vertex/gemini-3.1-pro-preview-stream-last-chunk.json'), 'usageMetadata')));
    assert.deepEqual(usage, { input_tokens: 31, output_tokens: 1710, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 1026 });
    // gemini-3.1-pro-preview (under 200k input): input 2, output 12 → 31·2 + 684·12 + 1026·12 = 62 + 8208 + 12312.
    const priced = (await sharedPriceBook()).price('vertex', 'gemini-3.1-pro-preview', usage);
    assert.equal(priced.cost_usd, 0.020582);
  });

  test('Claude on Vertex by its versioned id (claude-sonnet-4-5@20250929), Messages usage', async () => {
    const usage = tokens(convertAnthropicUsage(usageOf<AnthropicUsage>(fixture('anthropic/claude-sonnet-4-5-thinking.json'))));
    // Vertex's Claude Sonnet 4.5 row: input 3, output 15 → 69·3 + 33·15 = 702.
    const priced = (await sharedPriceBook()).price('vertex', 'claude-sonnet-4-5@20250929', usage);
    assert.deepEqual(priced, { cost_usd: 0.000702, price_source: tableSource() });
  });
});
