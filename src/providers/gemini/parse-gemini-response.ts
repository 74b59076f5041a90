/** A non-streaming `GenerateContentResponse` → OpenAI `chat.completion` (spec §3.3). */
import type { ChatCompletion, ToolCall } from '../../core/chat-types.js';
import type { ChatTarget } from '../types.js';
import { geminiToolCallId } from './gemini-thought-signature.js';
import type { GeminiCandidate, GeminiResponse } from './gemini-types.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

type Choice = ChatCompletion['choices'][number];

export function parseGeminiResponse(body: unknown, target: ChatTarget): ChatCompletion {
  const res = (body ?? {}) as GeminiResponse;
  const candidates = res.candidates ?? [];
  const calls = { n: 0 };
  const choices: Choice[] = candidates.map((candidate, position) => toChoice(candidate, position, target.requestId, calls));
  if (choices.length === 0) {
    // The prompt itself was blocked: OpenAI has no such state, so it reads as a filtered, empty answer.
    choices.push({
      index: 0,
      message: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: res.promptFeedback?.blockReason ? 'content_filter' : 'stop',
    });
  }
  const completion: ChatCompletion = {
    id: res.responseId ?? `chatcmpl-${target.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: res.modelVersion ?? target.model,
    choices,
  };
  if (res.usageMetadata) completion.usage = mapGeminiUsage(res.usageMetadata);
  return completion;
}

function toChoice(candidate: GeminiCandidate, position: number, requestId: string, calls: { n: number }): Choice {
  let text: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      const { functionCall } = part;
      toolCalls.push({
        id: geminiToolCallId(functionCall.id, part.thoughtSignature, requestId, calls.n++),
        type: 'function',
        function: { name: functionCall.name, arguments: JSON.stringify(functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string' && part.thought !== true) {
      text = text === undefined ? part.text : text + part.text;
    }
  }
  const message: Choice['message'] = { role: 'assistant', content: text ?? (toolCalls.length > 0 ? null : '') };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index: candidate.index ?? position,
    message,
    logprobs: null,
    finish_reason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}
