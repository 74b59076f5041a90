/**
 * Mistral's non-streaming body is OpenAI-shaped except: tool calls may lack `type`, finish
 * reasons include `model_length` / `error`, reasoning models answer with content blocks, and
 * usage carries extra fields. Tool-call ids stay Mistral's (nine letters/digits are valid
 * OpenAI ids).
 */
import type { ChatCompletion, ToolCall } from '../../core/chat-types.js';
import { mistralContentToText, normalizeMistralUsage } from './mistral-content.js';
import { mapMistralFinishReason } from './map-mistral-finish-reason.js';

interface MistralResponse {
  id?: string;
  created?: number;
  model?: string;
  choices?: Array<{
    index?: number;
    message?: { content?: unknown; tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: unknown } }> | null };
    finish_reason?: unknown;
  }>;
  usage?: unknown;
}

export function parseMistralResponse(body: unknown, fallbackId: string, fallbackModel: string): ChatCompletion {
  const res = (body ?? {}) as MistralResponse;
  const completion: ChatCompletion = {
    id: res.id ?? fallbackId,
    object: 'chat.completion',
    created: res.created ?? Math.floor(Date.now() / 1000),
    model: res.model ?? fallbackModel,
    choices: (res.choices ?? []).map((choice, i) => {
      const message: ChatCompletion['choices'][number]['message'] = {
        role: 'assistant',
        content: mistralContentToText(choice.message?.content) ?? null,
      };
      const calls = choice.message?.tool_calls;
      if (calls && calls.length > 0) {
        message.tool_calls = calls.map(
          (call): ToolCall => ({
            id: call.id ?? '',
            type: 'function',
            function: {
              name: call.function?.name ?? '',
              // Arguments are a JSON string in OpenAI's shape; some models return an object.
              arguments: typeof call.function?.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function?.arguments ?? {}),
            },
          }),
        );
      }
      return { index: choice.index ?? i, message, logprobs: null, finish_reason: mapMistralFinishReason(choice.finish_reason) };
    }),
  };
  const usage = normalizeMistralUsage(res.usage);
  if (usage) completion.usage = usage;
  return completion;
}
