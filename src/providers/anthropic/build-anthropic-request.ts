/**
 * Builds the native Messages API request from a canonical chat request.
 *
 * Parameters without an Anthropic equivalent are refused with a 400 naming them when ignoring
 * them would change the answer the client gets, and dropped only when that is harmless:
 * - dropped: `seed` (OpenAI itself only promises best effort), `reasoning_effort` (a depth hint;
 *   mapping it to extended thinking would need thinking blocks and their signatures replayed in
 *   later turns, which OpenAI-shaped history cannot carry), `service_tier`, `metadata`, `store`,
 *   `prediction` (account and latency features that do not change the content), message `name`;
 * - refused: `n` > 1, `logprobs`, `top_logprobs`, non-zero `presence_penalty` /
 *   `frequency_penalty`, non-empty `logit_bias`, audio output, `temperature` outside 0..1,
 *   `response_format: json_object` together with tools.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { ChatTarget, UpstreamRequest } from '../types.js';
import type { AnthropicRequestBody } from './anthropic-api-types.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { JSON_RESPONSE_TOOL, JSON_RESPONSE_TOOL_NAME } from './json-response-tool.js';
import { prepareAnthropicTools } from './prepare-anthropic-tools.js';
import { versionedApiPath } from '../base-path.js';

/**
 * `max_tokens` is required by Anthropic and optional in OpenAI. 4096 is the largest value every
 * Claude model accepts (claude-3-haiku's ceiling), so it never makes a request fail, and it is the
 * default LiteLLM uses too. Clients wanting longer answers set `max_completion_tokens`.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** The API version sent when the provider config names none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

const unsupported = (param: string, why: string) => invalidRequest(`anthropic does not support ${param}: ${why}`, param, 'unsupported_parameter');

function refuseUnsupported(req: ChatRequest): void {
  if (req.n != null && req.n !== 1) throw unsupported('n', 'it returns exactly one choice');
  if (req.logprobs === true) throw unsupported('logprobs', 'it returns no token log probabilities');
  if (req.top_logprobs != null && req.top_logprobs !== 0) throw unsupported('top_logprobs', 'it returns no token log probabilities');
  if (req.presence_penalty != null && req.presence_penalty !== 0) throw unsupported('presence_penalty', 'it has no repetition penalties');
  if (req.frequency_penalty != null && req.frequency_penalty !== 0) throw unsupported('frequency_penalty', 'it has no repetition penalties');
  const bias = req.logit_bias;
  if (bias != null && typeof bias === 'object' && Object.keys(bias).length > 0) throw unsupported('logit_bias', 'it has no token biasing');
  if (req.audio != null) throw unsupported('audio', 'it produces text only');
  if (Array.isArray(req.modalities) && req.modalities.some((m) => m !== 'text')) throw unsupported('modalities', 'it produces text only');
  // OpenAI allows 0..2; Anthropic 0..1. Rescaling or clamping would silently change sampling.
  if (req.temperature != null && (req.temperature < 0 || req.temperature > 1)) {
    throw invalidRequest('anthropic accepts temperature between 0 and 1', 'temperature', 'unsupported_value');
  }
}

export function buildAnthropicBody(req: ChatRequest, target: ChatTarget): AnthropicRequestBody {
  refuseUnsupported(req);
  const { system, messages } = convertToAnthropicMessages(req.messages);
  const body: AnthropicRequestBody = {
    model: target.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) body.system = system;

  const { tools, tool_choice } = prepareAnthropicTools(req);
  if (tools) body.tools = tools;
  if (tool_choice) body.tool_choice = tool_choice;

  const format = req.response_format;
  if (format?.type === 'json_schema') {
    const schema = format.json_schema?.schema;
    if (!schema) throw invalidRequest('response_format.json_schema.schema is required', 'response_format');
    body.output_config = { format: { type: 'json_schema', schema } };
  } else if (format?.type === 'json_object') {
    if (tools) throw unsupported('response_format', 'json_object cannot be combined with tools (it is emulated with a forced tool)');
    body.tools = [JSON_RESPONSE_TOOL];
    body.tool_choice = { type: 'tool', name: JSON_RESPONSE_TOOL_NAME };
  }

  if (req.temperature != null) body.temperature = req.temperature;
  if (req.top_p != null) body.top_p = req.top_p;
  if (req.stop != null) {
    const stop = typeof req.stop === 'string' ? [req.stop] : req.stop;
    if (stop.length > 0) body.stop_sequences = stop;
  }
  if (typeof req.user === 'string' && req.user !== '') body.metadata = { user_id: req.user };
  if (target.stream) body.stream = true;
  return body;
}

export function buildAnthropicRequest(req: ChatRequest, target: ChatTarget): UpstreamRequest {
  const { baseUrl, version } = target.provider;
  return {
    method: 'POST',
    origin: baseUrl.origin,
    path: versionedApiPath(baseUrl.pathname, 'v1/messages'),
    headers: { 'content-type': 'application/json', 'anthropic-version': version ?? DEFAULT_ANTHROPIC_VERSION },
    body: JSON.stringify(buildAnthropicBody(req, target)),
  };
}
