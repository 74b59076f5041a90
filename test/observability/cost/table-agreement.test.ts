/**
 * The price book applies the table's rates itself (the library's calcPrice is ~20 µs a call).
 * This checks that arithmetic against the library's own, model by model: flat, tiered, cache
 * write, reasoning and per-request rates, and prices that change by date or time of day.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import { costOf, loadPriceTable } from '../../../src/observability/cost/index.js';
import type { TokenUsage } from '../../../src/observability/records/request-record.js';

const USAGES: TokenUsage[] = [
  { input_tokens: 1200, output_tokens: 300, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
  { input_tokens: 9632, output_tokens: 198, cached_tokens: 6289, cache_write_tokens: 3337, reasoning_tokens: 0 },
  { input_tokens: 75, output_tokens: 1186, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 1024 },
  { input_tokens: 696219, output_tokens: 214, cached_tokens: 696190, cache_write_tokens: 0, reasoning_tokens: 0 },
  { input_tokens: 250_000, output_tokens: 4000, cached_tokens: 100_000, cache_write_tokens: 50_000, reasoning_tokens: 1000 },
];

// [table provider id, model]: the providers we map, and Perplexity for the only reasoning and per-request rates in the table.
const MODELS: Array<[string, string]> = [
  ['openai', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'o4-mini'],
  ['anthropic', 'claude-sonnet-4-5-20250929'],
  ['anthropic', 'claude-haiku-4-5'],
  ['google', 'gemini-2.5-pro'],
  ['google', 'gemini-3.6-flash'],
  ['google', 'claude-sonnet-4-5@20250929'],
  ['aws', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['aws', 'amazon.nova-pro-v1:0'],
  ['azure', 'gpt-4o'],
  ['mistral', 'mistral-large-latest'],
  ['deepseek', 'deepseek-chat'],
  ['perplexity', 'sonar-deep-research'],
];

// Peak and off-peak for DeepSeek; before and after a dated price change for gemini-3.6-flash.
const TIMES = ['2026-06-01T10:00:00Z', '2026-06-01T20:00:00Z', '2027-02-01T10:00:00Z'].map((t) => new Date(t));

test('costOf on the table rates equals the library’s calcPrice', async () => {
  const table = await loadPriceTable();
  let compared = 0;
  for (const [provider, model] of MODELS) {
    const entry = table.lookup(provider, model);
    assert.ok(entry, `${provider}/${model} is in the table`);
    for (const at of TIMES) {
      const rates = entry.rates(at.getTime());
      assert.ok(rates, `${provider}/${model} has token rates`);
      for (const u of USAGES) {
        const theirs = calcPrice(
          { input_tokens: u.input_tokens, output_tokens: u.output_tokens, cache_read_tokens: u.cached_tokens, cache_write_tokens: u.cache_write_tokens, output_reasoning_tokens: u.reasoning_tokens },
          model,
          { providerId: provider, timestamp: at },
        );
        assert.ok(theirs);
        // Ours is rounded to 1e-10 USD.
        assert.ok(Math.abs(costOf(rates, u) - theirs.total_price) <= 1e-10, `${provider}/${model} at ${at.toISOString()}: ${costOf(rates, u)} vs ${theirs.total_price}`);
        compared++;
      }
    }
  }
  assert.equal(compared, MODELS.length * TIMES.length * USAGES.length);
});

test('prices that change are those in force at the time asked', async () => {
  const table = await loadPriceTable();
  const deepseek = table.lookup('deepseek', 'deepseek-chat');
  assert.ok(deepseek);
  const peak = deepseek.rates(TIMES[0].getTime());
  // A second later: within the one-second memo the same object; an off-peak hour differs.
  assert.equal(deepseek.rates(TIMES[0].getTime() + 500), peak);
  assert.notDeepEqual(deepseek.rates(TIMES[1].getTime()), peak);
  // And back (a clock set back): peak again, not the off-peak rates last picked.
  assert.deepEqual(deepseek.rates(TIMES[0].getTime()), peak);
});
