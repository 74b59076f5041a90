/** Canonical (OpenAI-shaped) usage → the record's token fields. */
import type { Usage } from '../../core/chat-types.js';
import type { TokenUsage } from './request-record.js';

export function tokenUsage(usage: Usage): TokenUsage {
  return {
    input_tokens: usage.prompt_tokens,
    output_tokens: usage.completion_tokens,
    cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
