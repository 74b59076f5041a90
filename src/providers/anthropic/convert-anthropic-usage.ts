/**
 * Anthropic's `input_tokens` excludes cache reads and writes; OpenAI's `prompt_tokens` includes
 * cached tokens. Adding them back keeps prompt counts comparable across providers.
 */
import type { Usage } from '../../core/chat-types.js';
import type { AnthropicUsage } from './anthropic-api-types.js';

const count = (value: number | null | undefined): number => (typeof value === 'number' ? value : 0);

export function convertAnthropicUsage(usage: AnthropicUsage | undefined): Usage {
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheWrite = count(usage?.cache_creation_input_tokens);
  const prompt = count(usage?.input_tokens) + cacheWrite + cacheRead;
  const completion = count(usage?.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    // Cache writes (their own price) are named only when there were some.
    prompt_tokens_details: cacheWrite > 0 ? { cached_tokens: cacheRead, cache_write_tokens: cacheWrite } : { cached_tokens: cacheRead },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
