/** Converse `stopReason` → OpenAI `finish_reason`. */
import type { FinishReason } from '../../core/chat-types.js';

export function mapBedrockFinishReason(stopReason: string | undefined, jsonResponse: boolean): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      // The forced JSON tool is the answer itself, not a call for the client to run.
      return jsonResponse ? 'stop' : 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, malformed_model_output, malformed_tool_use and anything new.
      return 'stop';
  }
}
