/**
 * The price book's rules beyond the goldens: config prices over the table and for custom
 * models, fallback rates, unknown → null (never 0), dated and provider-specific model ids,
 * price_source, who is priced from the table at all, and that a provider + model is resolved once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadPriceTable, priceBookFrom } from '../../../src/observability/cost/index.js';
import type { TokenUsage } from '../../../src/observability/records/request-record.js';
import { sharedPriceBook, tableSource } from './usage-fixtures.js';

const usage = (input: number, output: number, cached = 0, cacheWrite = 0, reasoning = 0): TokenUsage => ({
  input_tokens: input,
  output_tokens: output,
  cached_tokens: cached,
  cache_write_tokens: cacheWrite,
  reasoning_tokens: reasoning,
});
const UNPRICED = { cost_usd: null, price_source: null };

describe('config prices', () => {
  const book = priceBookFrom(
    {
      'my-llm/my-model': { input: 0.5, output: 1.5, 'cached-input': 0.05, 'cache-write': 0.6, reasoning: 3 },
      'openai/gpt-4o-mini': { input: 1, output: 2 },
      'anthropic/claude-sonnet-4-5': { input: 2, output: 8 },
    },
    null,
  );

  test('a custom model is priced with each of its rates', () => {
    // 1000 input of which 200 cached and 100 written, 500 output of which 100 reasoning:
    // 700·0.5 + 200·0.05 + 100·0.6 + 400·1.5 + 100·3 = 350 + 10 + 60 + 600 + 300 = 1320 per million.
    assert.deepEqual(book.price('my-llm', 'my-model', usage(1000, 500, 200, 100, 100)), { cost_usd: 0.00132, price_source: 'config' });
  });

  test('rates left out fall back: cached-input and cache-write to input, reasoning to output', () => {
    // gpt-4o-mini at input 1, output 2 for every kind: 1000·1 + 500·2 = 2000.
    assert.deepEqual(book.price('openai', 'gpt-4o-mini', usage(1000, 500, 200, 100, 100)), { cost_usd: 0.002, price_source: 'config' });
  });

  test('a config price for an undated name also prices its dated snapshots', () => {
    assert.equal(book.price('openai', 'gpt-4o-mini-2024-07-18', usage(1000, 500)).cost_usd, 0.002);
    assert.equal(book.price('anthropic', 'claude-sonnet-4-5-20250929', usage(1000, 1000)).cost_usd, 0.01);
  });

  test('keys are provider/model: the same model under another provider is not priced by it', () => {
    assert.deepEqual(book.price('azure', 'gpt-4o-mini', usage(1000, 500)), UNPRICED);
  });

  test('config overrides the table; the table prices the rest', async () => {
    const withTable = priceBookFrom({ 'openai/gpt-4o-mini': { input: 1, output: 2 } }, await loadPriceTable());
    assert.deepEqual(withTable.price('openai', 'gpt-4o-mini', usage(1000, 500)), { cost_usd: 0.002, price_source: 'config' });
    // gpt-4o from the table: input 2.50, output 10 → 1000·2.5 + 500·10 = 7500.
    assert.deepEqual(withTable.price('openai', 'gpt-4o', usage(1000, 500)), { cost_usd: 0.0075, price_source: tableSource() });
  });

  test('a local model is 0 only when the config says so', async () => {
    const book = await sharedPriceBook();
    assert.deepEqual(book.price('ollama', 'llama3.2', usage(100, 100)), UNPRICED);
    const free = priceBookFrom({ 'ollama/llama3.2': { input: 0, output: 0 } }, null);
    assert.deepEqual(free.price('ollama', 'llama3.2', usage(100, 100)), { cost_usd: 0, price_source: 'config' });
  });
});

describe('the shipped table', () => {
  test('price_source names the table and its installed version', async () => {
    const book = await sharedPriceBook();
    assert.match(tableSource(), /^genai-prices@\d+\.\d+\.\d+/);
    assert.equal(book.tableSource, tableSource());
  });

  test('unknown models and custom providers are unpriced: null, never 0', async () => {
    const book = await sharedPriceBook();
    assert.deepEqual(book.price('openai', 'gpt-no-such-model', usage(10, 10)), UNPRICED);
    // A custom OpenAI-compatible provider serving a model the table knows elsewhere: still unknown.
    assert.deepEqual(book.price('my-vllm', 'gpt-4o-mini', usage(10, 10)), UNPRICED);
    assert.deepEqual(book.price('hyperbolic', 'meta-llama/Llama-3.3-70B-Instruct', usage(10, 10)), UNPRICED);
  });

  test('dated snapshot names price as their model', async () => {
    const book = await sharedPriceBook();
    // gpt-4o-mini: 1000·0.15 + 500·0.6 = 450; claude-3-5-haiku: 1000·0.8 + 500·4 = 2800.
    assert.equal(book.price('openai', 'gpt-4o-mini-2024-07-18', usage(1000, 500)).cost_usd, 0.00045);
    assert.equal(book.price('openai', 'gpt-4o-mini', usage(1000, 500)).cost_usd, 0.00045);
    assert.equal(book.price('anthropic', 'claude-3-5-haiku-20241022', usage(1000, 500)).cost_usd, 0.0028);
  });

  test('Bedrock and Vertex id forms', async () => {
    const book = await sharedPriceBook();
    // Regional Claude Haiku 4.5 on Bedrock: input 1.10, output 5.50 → 1000·1.1 + 100·5.5 = 1650.
    assert.equal(book.price('bedrock', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0', usage(1000, 100)).cost_usd, 0.00165);
    // Claude 3.5 Haiku on Vertex (`@` version): input 0.80, output 4 → 800 + 400.
    assert.equal(book.price('vertex', 'claude-3-5-haiku@20241022', usage(1000, 100)).cost_usd, 0.0012);
    // A Gemini resource path on Vertex: gemini-2.5-flash, input 0.30, output 2.50 → 300 + 250.
    assert.equal(book.price('vertex', 'publishers/google/models/gemini-2.5-flash', usage(1000, 100)).cost_usd, 0.00055);
  });

  test('Anthropic long context: past 200k input every kind of token takes the tier rate', async () => {
    const book = await sharedPriceBook();
    // claude-sonnet-4-5 under: input 3, output 15 → 200000·3 + 1000·15 = 615000.
    assert.equal(book.price('anthropic', 'claude-sonnet-4-5', usage(200_000, 1000)).cost_usd, 0.615);
    // Over: input 6, cache read 0.60, output 22.50 → 1·6 + 200000·0.6 + 1000·22.5 = 142506.
    assert.equal(book.price('anthropic', 'claude-sonnet-4-5', usage(200_001, 1000, 200_000)).cost_usd, 0.142506);
  });

  test('built-in OpenAI-compatible providers with a public host are priced from their own rows', async () => {
    const book = await sharedPriceBook();
    // Groq llama-3.3-70b-versatile: input 0.59, output 0.79 → 1000·0.59 + 1000·0.79 = 1380.
    assert.equal(book.price('groq', 'llama-3.3-70b-versatile', usage(1000, 1000)).cost_usd, 0.00138);
    assert.equal(book.price('xai', 'grok-3-mini', usage(1000, 1000)).price_source, tableSource());
  });

  test('without the table, only config prices apply', () => {
    const book = priceBookFrom({}, null);
    assert.equal(book.tableSource, null);
    assert.deepEqual(book.price('openai', 'gpt-4o-mini', usage(10, 10)), UNPRICED);
  });
});

describe('resolution is remembered', () => {
  test('the table is asked once per provider + model, unknown answers included', () => {
    const asked: string[] = [];
    const book = priceBookFrom({}, {
      source: 'stub@1',
      lookup(provider, model) {
        asked.push(`${provider}/${model}`);
        return model === 'known' ? { rates: () => ({ input: 1, output: 1 }) } : null;
      },
    });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(book.price('openai', 'known', usage(1000, 0)), { cost_usd: 0.001, price_source: 'stub@1' });
      assert.deepEqual(book.price('openai', 'unknown', usage(1000, 0)), UNPRICED);
      assert.deepEqual(book.price('ollama', 'known', usage(1000, 0)), UNPRICED);
    }
    assert.deepEqual(asked, ['openai/known', 'openai/unknown']);
  });

  test('time-dependent table prices are read at each call (no stale cached rate)', () => {
    let rate = 1;
    const book = priceBookFrom({}, { source: 'stub@1', lookup: () => ({ rates: () => ({ input: rate, output: 0 }) }) });
    assert.equal(book.price('deepseek', 'deepseek-chat', usage(1000, 0)).cost_usd, 0.001);
    rate = 2;
    assert.equal(book.price('deepseek', 'deepseek-chat', usage(1000, 0)).cost_usd, 0.002);
  });
});

