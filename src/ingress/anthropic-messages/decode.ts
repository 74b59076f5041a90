/**
 * Decodes an Anthropic Messages request (`POST /v1/messages`) into the canonical chat request,
 * for routes that lead to providers other than Anthropic (to Anthropic the bytes go as they came).
 * One pass checks each field cheaply and converts it; a request that fails is checked again
 * naming the field (`withFieldNames`), so the 400 says where. The field-by-field decisions —
 * mapped, dropped (does not change the answer), refused (would) — are in the README.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatMessage, ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { parseJsonBody } from '../openai-chat/decode.js';
import {
  checkTree,
  invalidType,
  invalidValue,
  isObject,
  mayHoldLoneSurrogate,
  missing,
  oneOf,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  withFieldNames,
} from '../openai-chat/field-checks.js';
import { convertToolChoice, convertTools } from './convert-tools.js';
import { convertMessages, convertSystem } from './convert-messages.js';
import { notTranslatable } from './unsupported.js';

/** What the egress and the pipeline need beyond the canonical request. */
export interface AnthropicContext {
  /** The model as the client named it: answers carry it back. */
  model: string;
  stream: boolean;
  version?: string;
  beta?: string;
  /** `thinking.type` when thinking was asked for (`enabled`, `adaptive`, `between_tools`). */
  thinking?: string;
  /** `thinking.budget_tokens` of `enabled` thinking; see `reasoningEffortFor`. */
  thinkingBudget?: number;
  /** `output_config.effort`. */
  effort?: string;
}

export interface DecodedMessagesRequest {
  request: ChatRequest;
  anthropic: AnthropicContext;
}

/** Fields read below, and those dropped because the answer is the same without them. */
const KNOWN = new Set([
  'model', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'metadata',
  'stop_sequences', 'temperature', 'top_p', 'top_k', 'stream', 'output_format', 'output_config',
  // Dropped, the answer is the same without them: the caching hint; latency tier and speed;
  // server-side context trimming (the full history goes instead); Anthropic's data-residency,
  // diagnostics and account scoping (where a routed request runs is the route's choice).
  'cache_control', 'service_tier', 'speed', 'context_management', 'inference_geo', 'diagnostics', 'user_profile_id', 'workspace_id',
]);

/** Fields that would change the answer and that no other provider offers. */
const REFUSED: ReadonlyMap<string, string> = new Map([
  ['container', 'a code-execution container'],
  ['mcp_servers', 'remote MCP servers run by Anthropic'],
]);

const MAX_USER_LENGTH = 64;

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(',') : value);

function convertFields(body: Record<string, unknown>, request: ChatRequest, anthropic: AnthropicContext, countOnly: boolean): void {
  for (const key in body) {
    const what = REFUSED.get(key);
    if (what !== undefined) {
      if (body[key] !== null && body[key] !== undefined) throw notTranslatable(key, what);
    } else if (!KNOWN.has(key)) {
      throw invalidRequest(`${key}: Extra inputs are not permitted`, key);
    }
  }
  if (!countOnly) {
    if (body.max_tokens === undefined || body.max_tokens === null) throw missing('max_tokens');
    optionalNumber(body.max_tokens, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
    request.max_tokens = body.max_tokens as number;
  }
  convertSystem(body.system, request.messages);
  convertMessages(body.messages, request.messages);
  convertTools(body.tools, request);
  convertToolChoice(body.tool_choice, request);
  convertThinking(body.thinking, anthropic);
  optionalObject(body.metadata, 'metadata');
  const userId = isObject(body.metadata) ? body.metadata.user_id : undefined;
  optionalString(userId, 'metadata.user_id');
  // OpenAI refuses a `user` over 64 characters; Claude Code's ids are longer, and dropping one
  // changes no answer (it only tags the request for abuse monitoring).
  if (typeof userId === 'string' && userId !== '' && userId.length <= MAX_USER_LENGTH) request.user = userId;
  optionalStringArray(body.stop_sequences, 'stop_sequences');
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) request.stop = body.stop_sequences as string[];
  copyNumber(body, request, 'temperature', 0, 1);
  copyNumber(body, request, 'top_p', 0, 1);
  // No canonical field: kept under its name, for the parameter policy to forward or refuse per provider.
  optionalNumber(body.top_k, 'top_k', 0, Number.MAX_SAFE_INTEGER, true);
  if (typeof body.top_k === 'number') request.top_k = body.top_k;
  optionalBoolean(body.stream, 'stream');
  if (body.stream === true && !countOnly) {
    anthropic.stream = true;
    request.stream = true;
    // message_delta carries usage, so the provider must send it.
    request.stream_options = { include_usage: true };
  }
  oneOf(body.service_tier, 'service_tier', ['auto', 'standard_only']);
  convertOutputConfig(body, request, anthropic);
}

/**
 * Structured outputs (`output_format`, beta; `output_config.format`) → `response_format`.
 * `output_config.effort`, like thinking, is an allowance kept for the pipeline.
 */
function convertOutputConfig(body: Record<string, unknown>, request: ChatRequest, anthropic: AnthropicContext): void {
  optionalObject(body.output_config, 'output_config');
  const config = body.output_config as Record<string, unknown> | null | undefined;
  for (const key in config ?? {}) if (key !== 'format' && key !== 'effort') throw notTranslatable(`output_config.${key}`, 'this output setting');
  oneOf(config?.effort, 'output_config.effort', ['low', 'medium', 'high', 'xhigh', 'max']);
  if (typeof config?.effort === 'string') anthropic.effort = config.effort;
  const [format, at] = body.output_format != null ? [body.output_format, 'output_format'] : [config?.format, 'output_config.format'];
  if (format === undefined || format === null) return;
  if (!isObject(format)) throw invalidType(at, 'an object', format);
  oneOf(format.type, `${at}.type`, ['json_schema']);
  if (!isObject(format.schema)) throw invalidType(`${at}.schema`, 'an object', format.schema);
  request.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
}

function copyNumber(body: Record<string, unknown>, request: ChatRequest, key: 'temperature' | 'top_p', min: number, max: number): void {
  optionalNumber(body[key], key, min, max);
  if (typeof body[key] === 'number') request[key] = body[key];
}

function convertThinking(value: unknown, anthropic: AnthropicContext): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) throw invalidType('thinking', 'an object', value);
  if (value.type === undefined) throw missing('thinking.type');
  oneOf(value.type, 'thinking.type', ['enabled', 'adaptive', 'between_tools', 'disabled']);
  if (value.type === 'disabled') return;
  anthropic.thinking = value.type as string;
  if (value.type !== 'enabled') return;
  if (value.budget_tokens === undefined) throw missing('thinking.budget_tokens');
  optionalNumber(value.budget_tokens, 'thinking.budget_tokens', 1024, Number.MAX_SAFE_INTEGER, true);
  anthropic.thinkingBudget = value.budget_tokens as number;
}

/**
 * Thinking is an allowance, not a demand: a model that cannot think gives the same kind of
 * answer without it. So the decoder does not set `reasoning_effort` (a model without reasoning
 * would refuse it); the pipeline may, with this, when the target reasons. Adaptive thinking
 * and `output_config.effort` map to `medium` or the effort named.
 */
export function reasoningEffortFor(budget: number): 'low' | 'medium' | 'high' {
  if (budget < 4096) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

/** The body parsed and its model checked: all a route that leads to Anthropic itself needs. */
export function parseMessagesBody(raw: Buffer): Record<string, unknown> & { model: string } {
  const body = parseJsonBody(raw);
  const { model } = body;
  if (model === undefined || model === null) throw missing('model');
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  if (model.trim() === '') throw invalidValue('model', 'a model name such as "claude-sonnet-4-5" is required.');
  return body as Record<string, unknown> & { model: string };
}

function decode(raw: Buffer, headers: IncomingHttpHeaders | undefined, countOnly: boolean): DecodedMessagesRequest {
  return decodeMessagesBody(parseMessagesBody(raw), raw, headers, countOnly);
}

/** The translation of a parsed body (`parseMessagesBody`) for a provider other than Anthropic. */
export function decodeMessagesBody(
  body: Record<string, unknown> & { model: string },
  raw: Buffer,
  headers: IncomingHttpHeaders | undefined,
  countOnly: boolean,
): DecodedMessagesRequest {
  // First: the conversion re-serialises tool inputs, which a body nested too deeply would overflow.
  checkTree(body, '', 1, mayHoldLoneSurrogate(raw));
  const { model } = body;
  const messages: ChatMessage[] = [];
  const request: ChatRequest = { model, messages };
  const anthropic: AnthropicContext = { model, stream: false };
  const version = header(headers?.['anthropic-version']);
  const beta = header(headers?.['anthropic-beta']);
  if (version !== undefined) anthropic.version = version;
  if (beta !== undefined) anthropic.beta = beta;
  withFieldNames(() => {
    // A failed first pass may have converted part of the body; the naming pass starts afresh.
    messages.length = 0;
    convertFields(body, request, anthropic, countOnly);
  });
  return { request, anthropic };
}

export function decodeMessagesRequest(raw: Buffer, headers?: IncomingHttpHeaders): DecodedMessagesRequest {
  return decode(raw, headers, false);
}

/** `POST /v1/messages/count_tokens`: the same body without `max_tokens` (and never streamed). */
export function decodeCountTokensRequest(raw: Buffer, headers?: IncomingHttpHeaders): DecodedMessagesRequest {
  return decode(raw, headers, true);
}
