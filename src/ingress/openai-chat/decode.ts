/**
 * Decodes OpenAI chat-completions and embeddings bodies. Every known field gets one type check
 * (check-chat-request.ts), and one bounded walk (checkTree) refuses nesting deeper than the
 * converters can take and strings that are not valid Unicode — so bad input is a 400 naming
 * the field here, before any provider is chosen, never a crash in an adapter or a request sent
 * upstream. The body is otherwise forwarded or translated as it came: nothing is copied.
 */
import { isUtf8 } from 'node:buffer';
import type { ChatRequest, EmbeddingsRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { checkChatFields, checkMessages } from './check-chat-request.js';
import { checkTree, invalidType, invalidValue, isObject, item, mayHoldLoneSurrogate, missing, oneOf, optionalNumber, optionalString, withFieldNames } from './field-checks.js';
import { firstInvalidUtf8, jsonPathAt } from './json-error-location.js';

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw invalidRequest('The request body is empty. Send a JSON object.', null, 'invalid_json');
  // Invalid bytes would become U+FFFD here but reach an OpenAI-dialect provider raw.
  if (!isUtf8(body)) throw notUtf8(body);
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /at position (\d+)/.exec(message);
    const param = position ? jsonPathAt(text, Number(position[1])) : null;
    throw invalidRequest(`The request body is not valid JSON (${message}).`, param, 'invalid_json');
  }
  if (!isObject(parsed)) throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  return parsed;
}

function notUtf8(body: Buffer) {
  const offset = firstInvalidUtf8(body);
  const param = jsonPathAt(body.subarray(0, offset).toString('utf8'), Number.MAX_SAFE_INTEGER);
  return invalidRequest(`The request body is not valid UTF-8 (byte ${offset}${param ? `, in '${param}'` : ''}).`, param, 'invalid_unicode');
}

function requireModel(body: Record<string, unknown>): void {
  const { model } = body;
  if (model === undefined || model === null) throw missing('model');
  if (typeof model !== 'string') throw invalidType('model', 'a string', model);
  if (model.trim() === '') throw invalidValue('model', 'a model name such as "gpt-4o-mini", or "provider/model", is required.');
}

export function decodeChatRequest(body: Buffer): ChatRequest {
  const request = parseJsonBody(body);
  requireModel(request);
  withFieldNames(() => {
    checkMessages(request.messages);
    checkChatFields(request);
  });
  checkTree(request, '', 1, mayHoldLoneSurrogate(body));
  return request as ChatRequest;
}

function checkInput(input: unknown): void {
  if (input === undefined || input === null || input === '') throw missing('input');
  if (typeof input === 'string') return;
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array of strings', input);
  if (input.length === 0) throw invalidValue('input', 'expected a non-empty array, but got an empty array instead.');
  // One kind per request: texts, one token array, or token arrays.
  const first = input[0];
  const kind = typeof first === 'string' ? 'string' : typeof first === 'number' ? 'token' : Array.isArray(first) ? 'tokens' : 'other';
  for (let i = 0; i < input.length; i++) {
    const entry: unknown = input[i];
    const at = item('input', i);
    if (kind === 'string' || kind === 'other') {
      if (typeof entry !== 'string') throw invalidType(at, 'a string', entry);
    } else if (kind === 'token') {
      optionalNumber(entry ?? Number.NaN, at, 0, Number.MAX_SAFE_INTEGER, true);
    } else {
      if (!Array.isArray(entry) || entry.length === 0) throw invalidType(at, 'a non-empty array of token ids', entry);
      for (let j = 0; j < entry.length; j++) optionalNumber(entry[j] ?? Number.NaN, item(at, j), 0, Number.MAX_SAFE_INTEGER, true);
    }
  }
}

export function decodeEmbeddingsRequest(body: Buffer): EmbeddingsRequest {
  const request = parseJsonBody(body);
  requireModel(request);
  withFieldNames(() => checkInput(request.input));
  oneOf(request.encoding_format, 'encoding_format', ['float', 'base64']);
  optionalNumber(request.dimensions, 'dimensions', 1, 1_000_000, true);
  optionalString(request.user, 'user');
  checkTree(request, '', 1, mayHoldLoneSurrogate(body));
  return request as unknown as EmbeddingsRequest;
}
