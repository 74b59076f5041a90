/** Mistral's finish reasons, in OpenAI's vocabulary. */
import type { FinishReason } from '../../core/chat-types.js';

export function mapMistralFinishReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'model_length':
      return 'length';
    // `error` ends a generation that produced what it produced; OpenAI has no such reason.
    default:
      return 'stop';
  }
}
