/**
 * `pricing:` in the config — `{"provider/model": {input, output, cached-input?, cache-write?,
 * reasoning?}}`, USD per million tokens — as rates. They override the price table and price
 * models it does not know (custom providers, local models, fine-tunes).
 */
import type { GatewayConfig } from '../../config/schema.js';
import type { Rates } from './rates.js';

export type PricingConfig = GatewayConfig['pricing'];

export function configRates(pricing: PricingConfig): Map<string, Rates> {
  const rates = new Map<string, Rates>();
  for (const [key, price] of Object.entries(pricing)) {
    rates.set(key, {
      input: price.input,
      output: price.output,
      // Left out, a rate falls back in costOf: cache reads and writes to input, reasoning to output.
      cachedInput: price['cached-input'],
      cacheWrite: price['cache-write'],
      reasoning: price.reasoning,
    });
  }
  return rates;
}

/** The config key for a provider's model, then the same without a trailing date (`-20250929`, `@20250929`, `-2024-07-18`). */
export function configKeys(provider: string, model: string): string[] {
  const exact = `${provider}/${model}`;
  const undated = model.replace(/(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2})$/, '');
  return undated === model ? [exact] : [exact, `${provider}/${undated}`];
}
