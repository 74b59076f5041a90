/**
 * Reasoning-capable Mistral models answer with `content` as a list of blocks
 * (`{type:"text",text}` and `{type:"thinking",thinking:[…]}`) instead of a string. The OpenAI
 * chat shape has no place for the chain of thought, so only the text blocks are kept.
 */
import type { Usage } from '../../core/chat-types.js';

interface ContentBlock {
  type?: unknown;
  text?: unknown;
}

export function mistralContentToText(content: unknown): string | null | undefined {
  if (content === null || content === undefined || typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const block of content as ContentBlock[]) {
    if (block && block.type === 'text' && typeof block.text === 'string') text += block.text;
  }
  return text;
}

interface MistralUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Keeps the OpenAI usage fields only (Mistral adds e.g. `prompt_audio_seconds`). */
export function normalizeMistralUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as MistralUsage;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion,
  };
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') usage.prompt_tokens_details = { cached_tokens: cached };
  return usage;
}
