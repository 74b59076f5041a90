/**
 * Micro-benchmark of one `PriceBook.price()` call: `node --import tsx bench/price-micro.ts`.
 *
 * Prices remembered provider + model pairs (the steady state: every call after a model's first)
 * for a flat-rate model, a tiered one, a conditional one (off-peak prices), a config price and an
 * unknown model, next to the price table library's own calcPrice per call, and prints the time
 * of the first call (the table lookup, once per pair) and of loading the table.
 */
import { createPriceBook } from '../src/observability/cost/index.js';
import type { TokenUsage } from '../src/observability/records/request-record.js';

const usage: TokenUsage = { input_tokens: 1200, output_tokens: 300, cached_tokens: 1000, cache_write_tokens: 0, reasoning_tokens: 100 };
const N = 1_000_000;

function time(label: string, fn: () => unknown, n = N): void {
  for (let i = 0; i < 50_000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / n;
  console.log(`${label.padEnd(58)} ${(ns / 1000).toFixed(3)} µs`);
}

const loadStart = performance.now();
const book = await createPriceBook({ 'my-llm/my-model': { input: 0.5, output: 1.5, 'cached-input': 0.05 } });
console.log(`load the table (${book.tableSource})`.padEnd(58), `${(performance.now() - loadStart).toFixed(1)} ms`);

const firstStart = process.hrtime.bigint();
book.price('bedrock', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0', usage);
console.log('first call for a pair (table lookup)'.padEnd(58), `${(Number(process.hrtime.bigint() - firstStart) / 1000).toFixed(1)} µs`);

time('price(): openai gpt-4o-mini-2024-07-18 (flat)', () => book.price('openai', 'gpt-4o-mini-2024-07-18', usage));
time('price(): anthropic claude-sonnet-4-5-20250929 (tiered)', () => book.price('anthropic', 'claude-sonnet-4-5-20250929', usage));
time('price(): bedrock us.anthropic.claude-sonnet-4-5-…-v1:0', () => book.price('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', usage));
time('price(): deepseek deepseek-chat (time-of-day prices)', () => book.price('deepseek', 'deepseek-chat', usage));
time('price(): config my-llm/my-model', () => book.price('my-llm', 'my-model', usage));
time('price(): unknown model (null)', () => book.price('openai', 'no-such-model', usage));
const { calcPrice } = await import('@pydantic/genai-prices');
const libUsage = { input_tokens: 1200, output_tokens: 300, cache_read_tokens: 1000, output_reasoning_tokens: 100 };
time('library calcPrice per call, for comparison (anthropic)', () => calcPrice(libUsage, 'claude-sonnet-4-5-20250929', { providerId: 'anthropic' }), 100_000);
