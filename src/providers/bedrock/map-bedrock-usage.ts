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
  const cacheWrite = num(usage.cacheWriteInputTokens);
  if (typeof usage.cacheReadInputTokens === 'number' || cacheWrite > 0) {
    mapped.prompt_tokens_details = cacheWrite > 0 ? { cached_tokens: cacheRead, cache_write_tokens: cacheWrite } : { cached_tokens: cacheRead };
  }
  return mapped;
}
