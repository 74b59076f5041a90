/**
 * Golden costs from real usage payloads: Anthropic and Bedrock. Anthropic's `input_tokens`
 * leaves out cache reads and writes; convertAnthropicUsage adds them back (OpenAI's convention)
 * and the price book takes them out again at their own rates. Expected USD by hand from the
 * table's rates (USD per million tokens, stated per test), compared exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnthropicUsage } from '../../../src/providers/anthropic/anthropic-api-types.js';
import { convertAnthropicUsage } from '../../../src/providers/anthropic/convert-anthropic-usage.js';
import type { ConverseUsage } from '../../../src/providers/bedrock/bedrock-api-types.js';
import { mapBedrockUsage } from '../../../src/providers/bedrock/map-bedrock-usage.js';
import { fixture, sharedPriceBook, tableSource, tokens, usageOf } from './usage-fixtures.js';

describe('golden costs: Anthropic (convertAnthropicUsage)', () => {
  test('plain: recorded claude-haiku-4-5-20251001 Messages response', async () => {
    const usage = tokens(convertAnthropicUsage(usageOf<AnthropicUsage>(fixture('anthropic/claude-haiku-4-5-tool.json'))));
    assert.deepEqual(usage, { input_tokens: 1151, output_tokens: 87, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // claude-haiku-4-5: input 1, output 5 → 1151·1 + 87·5 = 1586.
    const priced = (await sharedPriceBook()).price('anthropic', 'claude-haiku-4-5-20251001', usage);
    assert.deepEqual(priced, { cost_usd: 0.001586, price_source: tableSource() });
  });

  test('cached: recorded claude-sonnet-5 stream with cache reads and writes (message_delta usage)', async () => {
    const usage = tokens(convertAnthropicUsage(usageOf<AnthropicUsage>(fixture('anthropic/claude-sonnet-5-prompt-cache-message-delta.json'))));
    assert.deepEqual(usage, { input_tokens: 9632, output_tokens: 198, cached_tokens: 6289, cache_write_tokens: 3337, reasoning_tokens: 0 });
    // claude-sonnet-5: input 2, cache read 0.2, cache write 2.5, output 10
    // → 6·2 + 6289·0.2 + 3337·2.5 + 198·10 = 12 + 1257.8 + 8342.5 + 1980 = 11592.3.
    const priced = (await sharedPriceBook()).price('anthropic', 'claude-sonnet-5', usage);
    assert.equal(priced.cost_usd, 0.0115923);
  });

  test('reasoning: recorded claude-sonnet-4-5-20250929 with extended thinking (thinking is in output_tokens)', async () => {
    const usage = tokens(convertAnthropicUsage(usageOf<AnthropicUsage>(fixture('anthropic/claude-sonnet-4-5-thinking.json'))));
    assert.deepEqual(usage, { input_tokens: 69, output_tokens: 33, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // claude-sonnet-4-5 (under 200k input): input 3, output 15 → 69·3 + 33·15 = 207 + 495.
    const priced = (await sharedPriceBook()).price('anthropic', 'claude-sonnet-4-5-20250929', usage);
    assert.equal(priced.cost_usd, 0.000702);
  });
});

describe('golden costs: Bedrock (mapBedrockUsage on Converse responses)', () => {
  test('plain: recorded Converse response, on a US regional profile and on the global one', async () => {
    const usage = tokens(mapBedrockUsage(usageOf<ConverseUsage>(fixture('bedrock/converse-text.json'))));
    assert.deepEqual(usage, { input_tokens: 22, output_tokens: 57, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    const book = await sharedPriceBook();
    // Regional (us.) Claude Sonnet 4.5: input 3.30, output 16.50 → 22·3.3 + 57·16.5 = 72.6 + 940.5.
    assert.deepEqual(book.price('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', usage), { cost_usd: 0.0010131, price_source: tableSource() });
    // Global profile: input 3, output 15 → 66 + 855.
    assert.equal(book.price('bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', usage).cost_usd, 0.000921);
  });

  test('cached: AWS prompt-caching blog response (InvokeModel, Anthropic usage) on us.anthropic.claude-3-7-sonnet', async () => {
    // InvokeModel answers in Anthropic's Messages format, so Anthropic's mapper reads it.
    const usage = tokens(convertAnthropicUsage(usageOf<AnthropicUsage>(fixture('bedrock/aws-blog-invoke-model-prompt-cache.json'))));
    assert.deepEqual(usage, { input_tokens: 38935, output_tokens: 385, cached_tokens: 1038, cache_write_tokens: 37888, reasoning_tokens: 0 });
    // Claude 3.7 Sonnet on Bedrock: input 3, cache read 0.30, cache write 3.75, output 15
    // → 9·3 + 1038·0.3 + 37888·3.75 + 385·15 = 27 + 311.4 + 142080 + 5775 = 148193.4.
    const priced = (await sharedPriceBook()).price('bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', usage);
    assert.equal(priced.cost_usd, 0.1481934);
  });

  test('reasoning: recorded Converse response with reasoningContent (reasoning billed in outputTokens)', async () => {
    const usage = tokens(mapBedrockUsage(usageOf<ConverseUsage>(fixture('bedrock/converse-reasoning.json'))));
    assert.deepEqual(usage, { input_tokens: 51, output_tokens: 78, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 });
    // us. Claude Sonnet 4.5: input 3.30, output 16.50 → 51·3.3 + 78·16.5 = 168.3 + 1287.
    const priced = (await sharedPriceBook()).price('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', usage);
    assert.equal(priced.cost_usd, 0.0014553);
  });

  test('Amazon Nova by its on-demand id and by its US profile', async () => {
    const usage = tokens(mapBedrockUsage(usageOf<ConverseUsage>(fixture('bedrock/converse-text.json'))));
    const book = await sharedPriceBook();
    // Nova Lite: input 0.06, output 0.24 → 22·0.06 + 57·0.24 = 1.32 + 13.68.
    assert.equal(book.price('bedrock', 'amazon.nova-lite-v1:0', usage).cost_usd, 0.000015);
    assert.equal(book.price('bedrock', 'us.amazon.nova-lite-v1:0', usage).cost_usd, 0.000015);
  });
});
