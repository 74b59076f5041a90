/** Converts a non-streaming Messages API response into an OpenAI chat completion. */
import type { ChatCompletion, ToolCall } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ChatTarget } from '../types.js';
import type { AnthropicResponse } from './anthropic-api-types.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { JSON_RESPONSE_TOOL_NAME } from './json-response-tool.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export function parseAnthropicResponse(body: unknown, target: ChatTarget): ChatCompletion {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as AnthropicResponse).content)) {
    throw new GatewayError({
      status: 502,
      message: `${target.provider.name}: malformed response (no content array)`,
      provider: target.provider.name,
    });
  }
  const response = body as AnthropicResponse;
  let content: string | null = null;
  let toolCalls: ToolCall[] | undefined;
  let jsonContent: string | undefined;

  for (const block of response.content ?? []) {
    if (block.type === 'text' && typeof block.text === 'string') {
      content = content === null ? block.text : content + block.text;
    } else if (block.type === 'tool_use') {
      const args = JSON.stringify(block.input ?? {});
      if (block.name === JSON_RESPONSE_TOOL_NAME) {
        // The json_object emulation: the tool input is the whole answer.
        jsonContent = args;
        continue;
      }
      (toolCalls ??= []).push({ id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: args } });
    }
    // thinking, redacted_thinking and server tool blocks have no OpenAI equivalent.
  }

  const emulatedJson = jsonContent !== undefined;
  if (emulatedJson) content = jsonContent ?? null;
  const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content, refusal: null };
  if (toolCalls) message.tool_calls = toolCalls;
  return {
    id: response.id ?? target.requestId,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.model ?? target.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapAnthropicFinishReason(response.stop_reason, emulatedJson) }],
    usage: convertAnthropicUsage(response.usage),
  };
}
