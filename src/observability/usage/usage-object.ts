/**
 * Reading a usage object out of bytes the gateway relays without parsing: the object after
 * `"usage":` (or Gemini's `"usageMetadata":`), its end found by counting braces outside strings.
 * An unescaped `"usage":{` cannot occur inside a JSON string, so a byte search finds only keys.
 */
import type { Usage } from '../../core/chat-types.js';
import { convertAnthropicUsage } from '../../providers/anthropic/convert-anthropic-usage.js';
import { mapGeminiUsage } from '../../providers/gemini/map-gemini-usage.js';
import { mapBedrockUsage } from '../../providers/bedrock/map-bedrock-usage.js';

const OPEN = 0x7b;
const CLOSE = 0x7d;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The end (exclusive) of the object starting at `start` (a `{`), or -1 when `bytes` stops first. */
export function objectEnd(bytes: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === OPEN) depth++;
    else if (c === CLOSE) {
      if (--depth === 0) return i + 1;
    } else if (c === QUOTE) {
      // Strings (Anthropic's `service_tier`) may hold anything: skip to the closing quote.
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
    }
  }
  return -1;
}

export type UsageFamily = 'openai' | 'anthropic' | 'gemini' | 'bedrock';

type Raw = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const obj = (v: unknown): Raw | undefined => (typeof v === 'object' && v !== null ? (v as Raw) : undefined);

/**
 * A provider's usage object in canonical form. OpenAI's chat (`prompt_tokens`) and Responses
 * (`input_tokens` with `input_tokens_details`) shapes are told apart by their fields; Anthropic's
 * `input_tokens` excludes cache reads and writes, so the family says which it is.
 */
export function canonicalUsage(raw: Raw, family: UsageFamily): Usage {
  if (family === 'anthropic') return convertAnthropicUsage(raw);
  if (family === 'gemini') return mapGeminiUsage(raw);
  if (family === 'bedrock') return mapBedrockUsage(raw);
  if ('prompt_tokens' in raw || 'completion_tokens' in raw) {
    const prompt = num(raw.prompt_tokens);
    const completion = num(raw.completion_tokens);
    const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(raw.total_tokens) || prompt + completion };
    const cached = obj(raw.prompt_tokens_details)?.cached_tokens;
    const reasoning = obj(raw.completion_tokens_details)?.reasoning_tokens;
    if (typeof cached === 'number') usage.prompt_tokens_details = { cached_tokens: cached };
    if (typeof reasoning === 'number') usage.completion_tokens_details = { reasoning_tokens: reasoning };
    return usage;
  }
  // The Responses API: input_tokens includes cached ones, output_tokens includes reasoning.
  const input = num(raw.input_tokens);
  const output = num(raw.output_tokens);
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: num(raw.total_tokens) || input + output,
    prompt_tokens_details: { cached_tokens: num(obj(raw.input_tokens_details)?.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: num(obj(raw.output_tokens_details)?.reasoning_tokens) },
  };
}

/** Later usage objects of a stream complete earlier ones (Anthropic: message_start, then message_delta). */
export function mergeRawUsage(into: Raw | undefined, next: Raw): Raw {
  if (!into) return next;
  for (const key in next) {
    const value = next[key];
    if (value !== null && value !== undefined) into[key] = value;
  }
  return into;
}
