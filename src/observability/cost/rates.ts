/**
 * A model's prices and the arithmetic that applies them to one request's tokens. Rates are USD
 * per million tokens, as the price table and the config both state them.
 */
import type { TokenUsage } from '../records/request-record.js';

/** A flat rate, or one that steps up once the request's input passes a threshold (long context). */
export type Rate = number | { base: number; tiers: ReadonlyArray<{ start: number; price: number }> };

export interface Rates {
  input: Rate;
  output: Rate;
  /** Cache reads; input's rate when absent. */
  cachedInput?: Rate;
  /** Cache writes; input's rate when absent. */
  cacheWrite?: Rate;
  /** Reasoning tokens; output's rate when absent (every major provider bills them as output). */
  reasoning?: Rate;
  /** USD per request on top of tokens (a few search models), 0 when absent. */
  perRequest?: number;
}

/**
 * USD for one request. Token fields follow OpenAI's convention: cached reads and cache writes are
 * parts of `input_tokens`, reasoning is part of `output_tokens`; each part gets its own rate and
 * only the rest is billed at the plain rate. A tier applies when the whole input (cache included)
 * is past its start, to every kind of token, as the providers bill long context.
 */
export function costOf(rates: Rates, usage: TokenUsage): number {
  const input = usage.input_tokens;
  const at = (rate: Rate | undefined, fallback: Rate, tokens: number): number => (tokens > 0 ? tokens * rateAt(rate ?? fallback, input) : 0);
  const uncached = Math.max(0, input - usage.cached_tokens - usage.cache_write_tokens);
  const plainOutput = Math.max(0, usage.output_tokens - usage.reasoning_tokens);
  const perMillion =
    at(rates.input, rates.input, uncached) +
    at(rates.cachedInput, rates.input, usage.cached_tokens) +
    at(rates.cacheWrite, rates.input, usage.cache_write_tokens) +
    at(rates.output, rates.output, plainOutput) +
    at(rates.reasoning, rates.output, usage.reasoning_tokens);
  return roundUsd(perMillion / 1e6 + (rates.perRequest ?? 0));
}

function rateAt(rate: Rate, inputTokens: number): number {
  if (typeof rate === 'number') return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}

/** A tenth of a nano-dollar: records store 0.0001216, not 0.00012160000000000001. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
