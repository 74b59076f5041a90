/**
 * Converse usage → OpenAI usage. OpenAI's `prompt_tokens` includes cached tokens, so cache
 * reads and writes are added to it; `cached_tokens` reports the reads.
 */
import type { Usage } from '../../core/chat-types.js';
import type { ConverseUsage } from './bedrock-api-types.js';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function mapBedrockUsage(usage: ConverseUsage): Usage {
  const cacheRead = num(usage.cacheReadInputTokens);
  const prompt = num(usage.inputTokens) + cacheRead + num(usage.cacheWriteInputTokens);
  const completion = num(usage.outputTokens);
  const mapped: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof usage.totalTokens === 'number' ? usage.totalTokens : prompt + completion,
  };
  if (typeof usage.cacheReadInputTokens === 'number') mapped.prompt_tokens_details = { cached_tokens: cacheRead };
  return mapped;
}
