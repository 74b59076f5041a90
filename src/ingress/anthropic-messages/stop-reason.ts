/** Canonical `finish_reason` → Anthropic's `stop_reason` (the reverse of the provider adapter's map). */
import type { FinishReason } from '../../core/chat-types.js';

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal' | 'stop_sequence';

/**
 * A provider that stopped on a stop sequence says `stop` and strips the sequence from the text,
 * so which sequence matched is not known here: `stop` is always `end_turn`.
 */
export function toStopReason(finish: FinishReason | null | undefined): StopReason {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
