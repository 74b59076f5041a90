/**
 * Converse response → OpenAI chat completion. Converse has no id and no model in the body:
 * the id derives from the gateway request id and the model is the one requested.
 * Reasoning blocks are skipped (the canonical shape has no field for them).
 */
import type { ChatCompletion, ToolCall } from '../../core/chat-types.js';
import type { ChatTarget } from '../types.js';
import type { ConverseResponse } from './bedrock-api-types.js';
import { JSON_RESPONSE_TOOL } from './json-response-tool.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

export function parseConverseResponse(body: unknown, target: ChatTarget): ChatCompletion {
  const response = (body ?? {}) as ConverseResponse;
  let text = '';
  let json: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of response.output?.message?.content ?? []) {
    if (typeof block.text === 'string') {
      text += block.text;
    } else if (block.toolUse) {
      const { toolUseId, name, input } = block.toolUse;
      const args = JSON.stringify(input ?? {});
      if (name === JSON_RESPONSE_TOOL) {
        json = args;
      } else {
        toolCalls.push({ id: toolUseId, type: 'function', function: { name, arguments: args } });
      }
    }
  }
  // In JSON mode the forced tool's input is the whole answer; any preamble text would break it.
  if (json !== undefined) text = json;
  const completion: ChatCompletion = {
    id: `chatcmpl-${target.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || (toolCalls.length > 0 ? null : ''),
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: mapBedrockFinishReason(response.stopReason, json !== undefined),
      },
    ],
  };
  if (response.usage) completion.usage = mapBedrockUsage(response.usage);
  return completion;
}
