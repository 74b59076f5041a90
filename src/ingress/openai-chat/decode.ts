/**
 * Decodes an OpenAI chat-completions body. Only what routing needs is checked here — the body
 * is otherwise forwarded or translated as is, so large requests are not walked twice.
 */
import type { ChatRequest, EmbeddingsRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw invalidRequest('The request body is empty. Send a JSON object.', null, 'invalid_json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalidRequest(`The request body is not valid JSON (${(err as Error).message}).`, null, 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  return parsed as Record<string, unknown>;
}

function requireModel(body: Record<string, unknown>): void {
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw invalidRequest('"model" is required: a model name such as "gpt-4o-mini", or "provider/model".', 'model', 'missing_required_parameter');
  }
}

export function decodeChatRequest(body: Buffer): ChatRequest {
  const request = parseJsonBody(body);
  requireModel(request);
  const { messages } = request;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidRequest('"messages" is required: a non-empty array of {role, content} objects.', 'messages', 'missing_required_parameter');
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as { role?: unknown; content?: unknown; tool_calls?: unknown } | null;
    if (typeof m !== 'object' || m === null || typeof m.role !== 'string') {
      throw invalidRequest(`messages[${i}] must be an object with a "role".`, `messages[${i}]`, 'invalid_value');
    }
    // The shapes every adapter relies on; the parts themselves are checked where translated.
    const { content } = m;
    if (content !== undefined && content !== null && typeof content !== 'string') {
      if (!Array.isArray(content)) {
        throw invalidRequest(`messages[${i}].content must be a string or an array of content parts.`, `messages[${i}].content`, 'invalid_type');
      }
      for (let j = 0; j < content.length; j++) {
        const part = content[j] as { type?: unknown } | null;
        if (typeof part !== 'object' || part === null || typeof part.type !== 'string') {
          throw invalidRequest(`messages[${i}].content[${j}] must be an object with a "type".`, `messages[${i}].content[${j}]`, 'invalid_value');
        }
      }
    }
    if (m.tool_calls !== undefined && m.tool_calls !== null) checkToolCalls(m.tool_calls, `messages[${i}].tool_calls`);
  }
  checkTools(request.tools);
  checkResponseFormat(request.response_format);
  if (request.stream !== undefined && request.stream !== null && typeof request.stream !== 'boolean') {
    throw invalidRequest('"stream" must be true or false.', 'stream', 'invalid_type');
  }
  return request as ChatRequest;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkToolCalls(calls: unknown, where: string): void {
  if (!Array.isArray(calls)) throw invalidRequest(`${where} must be an array.`, where, 'invalid_type');
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k] as { function?: { name?: unknown; arguments?: unknown } } | null;
    const fn = isObject(call) ? call.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string' || (fn.arguments !== undefined && typeof fn.arguments !== 'string')) {
      throw invalidRequest(
        `${where}[${k}] must be {id, type: "function", function: {name, arguments}} with arguments as a JSON string.`,
        `${where}[${k}]`,
        'invalid_value',
      );
    }
  }
}

function checkTools(tools: unknown): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) throw invalidRequest('"tools" must be an array.', 'tools', 'invalid_type');
  for (let k = 0; k < tools.length; k++) {
    const tool = tools[k] as { function?: { name?: unknown } } | null;
    if (!isObject(tool) || !isObject(tool.function) || typeof tool.function.name !== 'string') {
      throw invalidRequest(`tools[${k}] must be {type: "function", function: {name, description?, parameters?}}.`, `tools[${k}]`, 'invalid_value');
    }
  }
}

function checkResponseFormat(format: unknown): void {
  if (format === undefined || format === null) return;
  if (!isObject(format) || typeof format.type !== 'string' || (format.type === 'json_schema' && !isObject(format.json_schema))) {
    throw invalidRequest(
      '"response_format" must be {type: "text"}, {type: "json_object"} or {type: "json_schema", json_schema: {name, schema}}.',
      'response_format',
      'invalid_value',
    );
  }
}

export function decodeEmbeddingsRequest(body: Buffer): EmbeddingsRequest {
  const request = parseJsonBody(body);
  requireModel(request);
  const { input } = request;
  if (input === undefined || input === null || (Array.isArray(input) && input.length === 0) || input === '') {
    throw invalidRequest('"input" is required: a string or an array of strings.', 'input', 'missing_required_parameter');
  }
  const format = request.encoding_format;
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    throw invalidRequest('"encoding_format" must be "float" or "base64".', 'encoding_format', 'invalid_value');
  }
  return request as unknown as EmbeddingsRequest;
}
