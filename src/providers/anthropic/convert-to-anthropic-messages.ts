/**
 * Converts OpenAI chat messages into Anthropic's `system` + alternating `messages`.
 *
 * - every system/developer message goes to the top-level `system`, in order, none dropped;
 * - consecutive tool messages become one user message of `tool_result` blocks;
 * - consecutive messages of the same role are merged (the API wants alternation);
 * - empty text blocks are skipped (the API rejects them), and messages left empty vanish.
 */
import type { ChatMessage, ToolCall } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type {
  AnthropicAssistantBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
  AnthropicUserBlock,
} from './anthropic-api-types.js';
import { convertTextContent, convertUserPart } from './convert-to-anthropic-content.js';

export interface AnthropicPrompt {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

export function convertToAnthropicMessages(input: readonly ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessage[] = [];

  for (let i = 0; i < input.length; i++) {
    const message = input[i];
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const block of convertTextContent(message.content, i)) system.push(block);
        break;
      case 'user':
        appendUser(messages, convertUserContent(message, i));
        break;
      case 'tool':
        appendUser(messages, [convertToolResult(message, i)]);
        break;
      case 'assistant':
        appendAssistant(messages, convertAssistant(message, i));
        break;
      default:
        throw invalidRequest(`anthropic does not accept messages with role '${String(message.role)}'`, `messages[${i}].role`);
    }
  }
  return { system, messages };
}

function convertUserContent(message: ChatMessage, index: number): AnthropicUserBlock[] {
  const { content } = message;
  if (content == null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const blocks: AnthropicUserBlock[] = [];
  for (const part of content) convertUserPart(part, blocks, index);
  return blocks;
}

function convertToolResult(message: ChatMessage, index: number): AnthropicToolResultBlock {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') {
    throw invalidRequest('tool messages need a tool_call_id', `messages[${index}].tool_call_id`);
  }
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: message.tool_call_id };
  const { content } = message;
  if (typeof content === 'string') {
    if (content !== '') block.content = content;
  } else {
    const text = convertTextContent(content, index);
    if (text.length > 0) block.content = text;
  }
  return block;
}

function convertAssistant(message: ChatMessage, index: number): AnthropicAssistantBlock[] {
  const blocks: AnthropicAssistantBlock[] = convertTextContent(message.content, index);
  if (message.tool_calls) {
    for (let t = 0; t < message.tool_calls.length; t++) blocks.push(convertToolCall(message.tool_calls[t], index, t));
  }
  return blocks;
}

function convertToolCall(call: ToolCall, index: number, callIndex: number): AnthropicToolUseBlock {
  if (typeof call?.id !== 'string' || typeof call.function?.name !== 'string') {
    throw invalidRequest('tool calls need an id and a function name', `messages[${index}].tool_calls[${callIndex}]`);
  }
  const args = call.function.arguments;
  let input: unknown = {};
  // Models sometimes produce an empty string for a call without arguments; that means `{}`.
  if (typeof args === 'string' && args.trim() !== '') {
    try {
      input = JSON.parse(args);
    } catch {
      input = undefined;
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidRequest(
      'tool call arguments must be a JSON object',
      `messages[${index}].tool_calls[${callIndex}].function.arguments`,
      'invalid_tool_arguments',
    );
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input: input as Record<string, unknown> };
}

function appendUser(messages: AnthropicMessage[], blocks: AnthropicUserBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last?.role !== 'user') {
    messages.push({ role: 'user', content: blocks });
    return;
  }
  // tool_result blocks must lead their user message, so they go in before any merged text.
  let insertAt = 0;
  while (insertAt < last.content.length && last.content[insertAt].type === 'tool_result') insertAt++;
  for (const block of blocks) {
    if (block.type === 'tool_result') last.content.splice(insertAt++, 0, block);
    else last.content.push(block);
  }
}

function appendAssistant(messages: AnthropicMessage[], blocks: AnthropicAssistantBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') {
    for (const block of blocks) last.content.push(block);
  } else {
    messages.push({ role: 'assistant', content: blocks });
  }
}

