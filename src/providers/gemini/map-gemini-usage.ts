/**
 * `usageMetadata` → OpenAI usage. Gemini's prompt count already includes cached tokens (as
 * OpenAI's does) and its candidate count excludes thoughts, so reasoning is added to completion
 * tokens; the total is Gemini's own (prompt + candidates + thoughts + tool-use prompt).
 */
import type { Usage } from '../../core/chat-types.js';
import type { GeminiUsageMetadata } from './gemini-types.js';

export function mapGeminiUsage(meta: GeminiUsageMetadata): Usage {
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const reasoning = meta.thoughtsTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: meta.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
