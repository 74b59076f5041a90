/** Gemini `finishReason` → OpenAI `finish_reason` (spec §3.3). */
import type { FinishReason } from '../../core/chat-types.js';

const CONTENT_FILTER = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

/**
 * Gemini ends tool-calling turns with a plain `STOP`, so whether a call was made decides.
 * `MALFORMED_FUNCTION_CALL`, `OTHER` and unknown reasons end as `stop`: the turn is over and
 * whatever text came is kept.
 */
export function mapGeminiFinishReason(reason: string | undefined, sawFunctionCall: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return 'content_filter';
  return sawFunctionCall ? 'tool_calls' : 'stop';
}
