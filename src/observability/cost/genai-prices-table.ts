/**
 * The shipped price table: `@pydantic/genai-prices`. Chosen over the models.dev catalog because
 * it is made for billing — it matches provider + model ids the way the APIs return them (dated
 * snapshots, Bedrock's regional and global profiles, Claude on Vertex), carries cache-read,
 * cache-write and reasoning rates, long-context tiers and dated price changes, and is published
 * often with its data bundled (no network: we never call its updatePrices). models.dev lists
 * models for pickers: one flat row per model id, no tiers, no Bedrock profile forms.
 *
 * Loaded once by dynamic import (an 830 kB module: ~25 ms, ~4 MB of heap), so processes that
 * price nothing never pay for it. The library's calcPrice costs 10–25 µs a call (it matches and
 * allocates per call), so it is asked once per provider + model and costOf applies the rates.
 */
import { readFileSync } from 'node:fs';
import type { ModelPrice, Provider } from '@pydantic/genai-prices';
import type { Rate, Rates } from './rates.js';

type GenaiPrices = typeof import('@pydantic/genai-prices');

/** A model's rates now; most are fixed, some change by date or time of day (off-peak). */
export interface TableEntry {
  rates(now: number): Rates | null;
}

export interface PriceTable {
  /** `genai-prices@<installed version>`. */
  source: string;
  lookup(tableProvider: string, model: string): TableEntry | null;
}

const PACKAGE = '@pydantic/genai-prices';

export async function loadPriceTable(): Promise<PriceTable> {
  const lib = await import('@pydantic/genai-prices');
  return {
    source: `genai-prices@${installedVersion()}`,
    lookup: (tableProvider, model) => lookup(lib, tableProvider, model),
  };
}

function lookup(lib: GenaiPrices, providerId: string, model: string): TableEntry | null {
  let found;
  try {
    // The library's matching; an empty usage costs nothing to price.
    found = lib.calcPrice({}, model, { providerId });
  } catch {
    return null;
  }
  if (!found) return null;
  if (!Array.isArray(found.model.prices)) {
    const fixed = toRates(found.model.prices);
    return fixed ? { rates: () => fixed } : null;
  }
  // Conditional prices: the library picks the one in force; picked again at most once a second.
  const single: Provider = { ...found.provider, models: [found.model], fallback_model_providers: undefined };
  let from = 0;
  let current: Rates | null = null;
  return {
    rates(now) {
      // A clock set back re-picks too.
      if (now < from || now >= from + 1000) {
        current = toRates(lib.calcPrice({}, model, { provider: single, timestamp: new Date(now) })?.model_price);
        from = now;
      }
      return current;
    },
  };
}

/** The table's per-million-token keys we have counts for; other units (audio, searches) need usage we do not record. */
function toRates(price: ModelPrice | undefined): Rates | null {
  const input = rate(price?.input_mtok);
  if (!price || input === undefined) return null;
  const requests = price.requests_kcount;
  return {
    input,
    output: rate(price.output_mtok) ?? 0,
    cachedInput: rate(price.cache_read_mtok),
    cacheWrite: rate(price.cache_write_mtok),
    reasoning: rate(price.output_reasoning_mtok),
    perRequest: typeof requests === 'number' ? requests / 1000 : undefined,
  };
}

function rate(value: ModelPrice[string]): Rate | undefined {
  if (typeof value === 'number') return value;
  if (!value) return undefined;
  return { base: value.base, tiers: [...value.tiers].sort((a, b) => a.start - b.start) };
}

function installedVersion(): string {
  try {
    // The package exports no package.json; it sits one level above the resolved dist/index.js.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve(PACKAGE)), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
