/**
 * Decodes a Responses API body into the canonical chat request plus what the egress and the
 * store need. Two steps, so a native OpenAI route can stop after the first: `parseResponsesRequest`
 * only checks (cheap, no copy), `responsesToChat` translates, refusing what a chat provider
 * cannot honour and prepending the stored conversation for `previous_response_id`.
 */
import type { ChatMessage, ChatRequest, ResponseFormat } from '../../core/chat-types.js';
import { parseJsonBody } from '../openai-chat/decode.js';
import { checkTree, invalidType, invalidValue, mayHoldLoneSurrogate, missing, withFieldNames } from '../openai-chat/field-checks.js';
import { checkResponsesFields } from './check-request.js';
import { previousResponseNotFound, unsupported } from './errors.js';
import { appendItems } from './input-items.js';
import { toChatToolChoice, toChatTools } from './tools.js';
import type { ResponsesContext, ResponsesEcho, ResponsesHistory, ResponsesItem } from './types.js';

type Body = Record<string, unknown>;

export interface DecodedResponsesRequest {
  request: ChatRequest;
  responses: ResponsesContext;
}

/** Parses and checks a body; the result is the parsed object itself. */
export function parseResponsesRequest(raw: Buffer): Body {
  const body = parseJsonBody(raw);
  const { model } = body;
  if (model === undefined || model === null) throw missing('model');
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  if (model.trim() === '') throw invalidValue('model', 'a model name such as "gpt-4o-mini", or "provider/model", is required.');
  withFieldNames(() => checkResponsesFields(body));
  checkTree(body, '', 1, mayHoldLoneSurrogate(raw));
  return body;
}

export function decodeResponsesRequest(raw: Buffer, history?: ResponsesHistory): DecodedResponsesRequest {
  return responsesToChat(parseResponsesRequest(raw), raw.length, history);
}

/** Fields that would change the answer and have no chat translation. */
function refuseUntranslatable(body: Body): void {
  if (body.background === true) throw unsupported('background', 'Background mode');
  if (body.conversation != null) throw unsupported('conversation', 'A conversation object (use previous_response_id)');
  if (body.prompt != null) throw unsupported('prompt', 'A stored prompt template');
}

export function responsesToChat(body: Body, inputBytes: number, history?: ResponsesHistory): DecodedResponsesRequest {
  refuseUntranslatable(body);
  const previousResponseId = (body.previous_response_id as string | null | undefined) ?? null;
  let earlier: readonly ResponsesItem[] = [];
  let historyBytes = 0;
  if (previousResponseId !== null) {
    const found = history?.conversation(previousResponseId);
    if (found === undefined) throw previousResponseNotFound(previousResponseId);
    earlier = found.items;
    historyBytes = found.bytes;
  }
  const input: ResponsesItem[] = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body.input as ResponsesItem[]);

  const messages: ChatMessage[] = [];
  // Instructions apply to this request only: OpenAI does not carry them over from earlier turns.
  const instructions = (body.instructions as string | null | undefined) ?? null;
  if (instructions !== null) messages.push({ role: 'system', content: instructions });
  appendItems(messages, earlier, history, 'previous_response_id');
  appendItems(messages, input, history, 'input');

  const request: ChatRequest = { model: body.model as string, messages };
  copyParameters(body, request);
  return { request, responses: context(body, previousResponseId, earlier, historyBytes, input, inputBytes, instructions) };
}

function copyParameters(body: Body, request: ChatRequest): void {
  if (Array.isArray(body.tools) && body.tools.length > 0) request.tools = toChatTools(body.tools as Body[]);
  const { choice, allowed } = toChatToolChoice(body.tool_choice);
  if (choice !== undefined) request.tool_choice = choice;
  if (allowed && request.tools) request.tools = request.tools.filter((t) => allowed.has(t.function.name));
  const format = responseFormat(body.text);
  if (format) request.response_format = format;
  const text = body.text as Body | null | undefined;
  if (typeof text?.verbosity === 'string') request.verbosity = text.verbosity;
  const reasoning = body.reasoning as Body | null | undefined;
  if (typeof reasoning?.effort === 'string') request.reasoning_effort = reasoning.effort;
  if (typeof body.max_output_tokens === 'number') request.max_completion_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.parallel_tool_calls === 'boolean') request.parallel_tool_calls = body.parallel_tool_calls;
  if (body.stream === true) {
    request.stream = true;
    // response.completed carries usage, so the usage chunk is always asked for.
    request.stream_options = { include_usage: true };
  }
  for (const key of ['user', 'safety_identifier', 'prompt_cache_key', 'service_tier'] as const) {
    if (typeof body[key] === 'string') request[key] = body[key];
  }
}

function responseFormat(text: unknown): ResponseFormat | undefined {
  const format = (text as Body | null | undefined)?.format as Body | null | undefined;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } = { name: format.name as string, schema: format.schema as Record<string, unknown> };
  if (typeof format.strict === 'boolean') schema.strict = format.strict;
  if (typeof format.description === 'string') schema.description = format.description;
  return { type: 'json_schema', json_schema: schema };
}

function context(body: Body, previousResponseId: string | null, history: readonly ResponsesItem[], historyBytes: number, input: ResponsesItem[], inputBytes: number, instructions: string | null): ResponsesContext {
  const reasoning = body.reasoning as Body | null | undefined;
  const text = body.text as Body | null | undefined;
  const echo: ResponsesEcho = {
    instructions,
    max_output_tokens: (body.max_output_tokens as number | null | undefined) ?? null,
    metadata: (body.metadata as Record<string, string> | null | undefined) ?? {},
    parallel_tool_calls: (body.parallel_tool_calls as boolean | null | undefined) ?? true,
    reasoning: { effort: (reasoning?.effort as string | undefined) ?? null, summary: (reasoning?.summary as string | undefined) ?? null },
    temperature: (body.temperature as number | null | undefined) ?? null,
    text: { format: (text?.format as Record<string, unknown> | null | undefined) ?? { type: 'text' }, ...(typeof text?.verbosity === 'string' && { verbosity: text.verbosity }) },
    tool_choice: body.tool_choice ?? 'auto',
    tools: (body.tools as unknown[] | null | undefined) ?? [],
    top_p: (body.top_p as number | null | undefined) ?? null,
    truncation: (body.truncation as string | null | undefined) ?? 'disabled',
    user: (body.user as string | null | undefined) ?? null,
  };
  return { store: body.store !== false, previousResponseId, history, historyBytes, input, inputBytes, echo };
}
