/** A canonical completion → Anthropic's `message` object, for a non-streamed answer. */
import type { ChatCompletion, ToolCall } from '../../core/chat-types.js';
import { toMessagesUsage, type MessagesUsage } from './convert-usage.js';
import { withPrefix } from './message-id.js';
import { toStopReason, type StopReason } from './stop-reason.js';

export type MessagesResponseBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: MessagesResponseBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: MessagesUsage;
}

export interface EncodeMessagesOptions {
  /** The model as the client asked for it (not the provider's name for it). */
  model: string;
}

/**
 * Anthropic's `input` is an object. Arguments that are not a JSON object (a model's malformed
 * output) become `{}` rather than failing the whole answer.
 */
export function parseToolInput(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args === '' ? '{}' : args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const toolUse = (call: ToolCall): MessagesResponseBlock => ({
  type: 'tool_use',
  id: call.id || withPrefix('toolu_', undefined),
  name: call.function.name,
  input: parseToolInput(call.function.arguments),
});

export function encodeMessagesResponse(c: ChatCompletion, opts: EncodeMessagesOptions): MessagesResponse {
  const choice = c.choices[0];
  const message = choice?.message;
  const content: MessagesResponseBlock[] = [];
  if (message?.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  if (message?.content) content.push({ type: 'text', text: message.content });
  if (message?.tool_calls) for (const call of message.tool_calls) content.push(toolUse(call));
  return {
    id: withPrefix('msg_', c.id),
    type: 'message',
    role: 'assistant',
    model: opts.model,
    content,
    stop_reason: toStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toMessagesUsage(c.usage),
  };
}
