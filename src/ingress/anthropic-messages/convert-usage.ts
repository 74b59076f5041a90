/**
 * Canonical usage → Anthropic's. Anthropic's `input_tokens` excludes cache reads, while the
 * canonical `prompt_tokens` includes them (providers/anthropic/convert-anthropic-usage.ts adds
 * them back), so they are taken out again. Cache writes are not reported by other providers.
 */
import type { Usage } from '../../core/chat-types.js';

export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function toMessagesUsage(usage: Usage | null | undefined): MessagesUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
