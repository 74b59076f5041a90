/**
 * Real usage payloads (test/fixtures/usage/, see SOURCES.md) → canonical usage through the
 * adapters' own mappers → the record's token fields, and the one price book the golden tests
 * share (the real shipped table).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Usage } from '../../../src/core/chat-types.js';
import { responsesUsage } from '../../../src/ingress/openai-responses/response-object.js';
import { createPriceBook, type PriceBookWithSource } from '../../../src/observability/cost/index.js';
import type { TokenUsage } from '../../../src/observability/records/request-record.js';
import { tokenUsage } from '../../../src/observability/records/token-usage.js';

const DIR = new URL('../../fixtures/usage/', import.meta.url);

export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(path, DIR), 'utf8')) as Record<string, unknown>;
}

export function fixtureText(path: string): string {
  return readFileSync(new URL(path, DIR), 'utf8');
}

/** The `usage` of a body or stream chunk, as the mapper under test receives it. */
export function usageOf<T>(body: Record<string, unknown>, field = 'usage'): T {
  const usage = body[field];
  assert.ok(usage && typeof usage === 'object', `the payload has ${field}`);
  return usage as T;
}

/**
 * The gateway speaks Chat Completions to OpenAI and Azure, so their chat usage is canonical as
 * it comes. A Responses usage (`input_tokens`, `output_tokens_details`…) is renamed field for
 * field, and checked to come back whole through the gateway's own canonical → Responses mapping.
 */
export function chatUsageFromResponses(responses: Record<string, unknown>): Usage {
  const r = responses as {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
  const chat: Usage = {
    prompt_tokens: r.input_tokens,
    completion_tokens: r.output_tokens,
    total_tokens: r.total_tokens,
    prompt_tokens_details: { cached_tokens: r.input_tokens_details.cached_tokens },
    completion_tokens_details: { reasoning_tokens: r.output_tokens_details.reasoning_tokens },
  };
  assert.deepEqual(responsesUsage(chat), responses, 'the renaming is the inverse of the gateway’s Responses usage');
  return chat;
}

export function tokens(usage: Usage | undefined): TokenUsage {
  assert.ok(usage, 'the mapper produced usage');
  return tokenUsage(usage);
}

let book: Promise<PriceBookWithSource> | undefined;
/** The real table, no config prices. */
export function sharedPriceBook(): Promise<PriceBookWithSource> {
  book ??= createPriceBook({});
  return book;
}

/** `genai-prices@<version>` read from the installed package, as price_source must say. */
export function tableSource(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@pydantic/genai-prices')), 'utf8')) as { version: string };
  return `genai-prices@${pkg.version}`;
}
