/**
 * The PriceBook the request recorder asks for each finished request: config prices first, then
 * the shipped table, else unpriced (`cost_usd: null`, never 0). What a provider + model resolves
 * to is remembered, so a call after the first is a map lookup and a few multiplications.
 */
import type { PriceBook, PricedUsage, TokenUsage } from '../records/request-record.js';
import { configKeys, configRates, type PricingConfig } from './config-rates.js';
import { loadPriceTable, type PriceTable, type TableEntry } from './genai-prices-table.js';
import { costOf, type Rates } from './rates.js';
import { tableModel, tableProvider } from './table-providers.js';

export interface PriceBookWithSource extends PriceBook {
  /** Where table prices come from (`genai-prices@0.1.8`), or null when the table could not be loaded. */
  readonly tableSource: string | null;
}

type Resolved = { source: 'config'; rates: Rates } | { source: 'table'; entry: TableEntry } | null;

/** Provider + model pairs remembered; past this the memo starts over (model names are client input). */
const MAX_REMEMBERED = 10_000;
const UNPRICED: PricedUsage = { cost_usd: null, price_source: null };

/** Loads the price table once (async: a dynamic import); without it, only config prices apply. */
export async function createPriceBook(pricing: PricingConfig, onTableError?: (error: unknown) => void): Promise<PriceBookWithSource> {
  let table: PriceTable | null = null;
  try {
    table = await loadPriceTable();
  } catch (error) {
    onTableError?.(error);
  }
  return priceBookFrom(pricing, table);
}

export function priceBookFrom(pricing: PricingConfig, table: PriceTable | null): PriceBookWithSource {
  const fromConfig = configRates(pricing);
  const memo = new Map<string, Resolved>();

  const resolve = (provider: string, model: string): Resolved => {
    for (const key of configKeys(provider, model)) {
      const rates = fromConfig.get(key);
      if (rates) return { source: 'config', rates };
    }
    const id = tableProvider(provider);
    const entry = id && table ? table.lookup(id, tableModel(model)) : null;
    return entry ? { source: 'table', entry } : null;
  };

  return {
    tableSource: table?.source ?? null,
    price(provider: string, model: string, usage: TokenUsage): PricedUsage {
      const key = `${provider}\u0000${model}`;
      let resolved = memo.get(key);
      if (resolved === undefined) {
        resolved = resolve(provider, model);
        if (memo.size >= MAX_REMEMBERED) memo.clear();
        memo.set(key, resolved);
      }
      if (resolved === null) return UNPRICED;
      if (resolved.source === 'config') return { cost_usd: costOf(resolved.rates, usage), price_source: 'config' };
      const rates = resolved.entry.rates(Date.now());
      return rates && table ? { cost_usd: costOf(rates, usage), price_source: table.source } : UNPRICED;
    },
  };
}
