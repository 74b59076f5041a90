/**
 * Builds the native Messages API request from a canonical chat request. Which OpenAI parameters
 * are mapped, dropped or refused is decided by the parameter table (../parameter-policy.ts)
 * before this runs; here only the mapped ones are read, and the values their Anthropic
 * equivalents cannot take are refused: `temperature` above 1, `json_object` together with tools.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { ChatTarget, UpstreamRequest } from '../types.js';
import type { AnthropicRequestBody } from './anthropic-api-types.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { JSON_RESPONSE_TOOL, JSON_RESPONSE_TOOL_NAME } from './json-response-tool.js';
import { prepareAnthropicTools } from './prepare-anthropic-tools.js';
import { versionedApiPath } from '../base-path.js';
import { unsupportedValue } from '../parameter-policy.js';

/**
 * `max_tokens` is required by Anthropic and optional in OpenAI. 4096 is the largest value every
 * Claude model accepts (claude-3-haiku's ceiling), so it never makes a request fail, and it is the
 * default LiteLLM uses too. Clients wanting longer answers set `max_completion_tokens`.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** The API version sent when the provider config names none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

function checkValues(req: ChatRequest, provider: string): void {
  // OpenAI allows 0..2; Anthropic 0..1. Rescaling or clamping would silently change sampling.
  if (req.temperature != null && req.temperature > 1) {
    throw unsupportedValue('temperature', provider, 'it accepts temperature between 0 and 1');
  }
}

export function buildAnthropicBody(req: ChatRequest, target: ChatTarget): AnthropicRequestBody {
  checkValues(req, target.provider.name);
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
    if (tools) throw unsupportedValue('response_format', target.provider.name, 'json_object cannot be combined with tools (it is emulated with a forced tool)');
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
