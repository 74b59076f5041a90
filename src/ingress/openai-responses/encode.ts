/** A canonical chat completion → a Response object (non-streamed answers). */
import type { ChatCompletion } from '../../core/chat-types.js';
import { itemId } from './ids.js';
import { buildResponse, incompleteReason, nowSeconds, responsesUsage, type ResponseOptions } from './response-object.js';
import type { OutputItem, ResponseObject } from './types.js';

export function encodeResponsesResponse(completion: ChatCompletion, opts: ResponseOptions): ResponseObject {
  const choice = completion.choices[0];
  const message = choice?.message;
  const incomplete = incompleteReason(choice?.finish_reason);
  const itemStatus = incomplete === null ? 'completed' : 'incomplete';
  const output: OutputItem[] = [];
  // The field DeepSeek and others use; read loosely so this works before and after the canonical type names it.
  const reasoning = (message as { reasoning_content?: unknown } | undefined)?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning !== '') {
    output.push({ type: 'reasoning', id: itemId('rs', opts.id, output.length), summary: [{ type: 'summary_text', text: reasoning }] });
  }
  const calls = message?.tool_calls ?? [];
  if (typeof message?.content === 'string' || calls.length === 0) {
    output.push({
      type: 'message',
      id: itemId('msg', opts.id, output.length),
      status: itemStatus,
      role: 'assistant',
      content: [{ type: 'output_text', text: message?.content ?? '', annotations: [], logprobs: [] }],
    });
  }
  for (const call of calls) {
    output.push({ type: 'function_call', id: itemId('fc', opts.id, output.length), call_id: call.id, name: call.function.name, arguments: call.function.arguments, status: itemStatus });
  }
  const created = opts.created ?? (completion.created || nowSeconds());
  return buildResponse({ ...opts, model: completion.model || opts.model }, created, incomplete === null ? 'completed' : 'incomplete', output, responsesUsage(completion.usage), incomplete);
}
