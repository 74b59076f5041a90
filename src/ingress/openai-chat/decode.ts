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
    const m = messages[i] as { role?: unknown } | null;
    if (typeof m !== 'object' || m === null || typeof m.role !== 'string') {
      throw invalidRequest(`messages[${i}] must be an object with a "role".`, `messages[${i}]`, 'invalid_value');
    }
  }
  if (request.stream !== undefined && request.stream !== null && typeof request.stream !== 'boolean') {
    throw invalidRequest('"stream" must be true or false.', 'stream', 'invalid_type');
  }
  return request as ChatRequest;
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
