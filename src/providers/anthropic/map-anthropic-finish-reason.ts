/** Maps Anthropic's `stop_reason` to OpenAI's `finish_reason`. */
import type { FinishReason } from '../../core/chat-types.js';

/**
 * @param emulatedJson the tool call was the `json_object` emulation, which the client sees as
 *   plain content, so `tool_use` means a normal stop.
 */
export function mapAnthropicFinishReason(stopReason: string | null | undefined, emulatedJson = false): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return emulatedJson ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    // end_turn, stop_sequence, pause_turn and anything new or missing.
    default:
      return 'stop';
  }
}
