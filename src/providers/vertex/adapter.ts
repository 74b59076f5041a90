/**
 * Vertex AI: Gemini models through `:generateContent` / `:streamGenerateContent?alt=sse`, Claude
 * models through `:rawPredict` / `:streamRawPredict`. The bodies, parsers and stream translators
 * are Gemini's and Anthropic's own — Vertex differs in the URL, in carrying the Anthropic API
 * version in the body (no `model` there: the URL names it) and in OAuth bearer tokens.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import { buildAnthropicBody } from '../anthropic/build-anthropic-request.js';
import { AnthropicStreamTranslator } from '../anthropic/anthropic-stream-translator.js';
import { parseAnthropicResponse } from '../anthropic/parse-anthropic-response.js';
import type { AnthropicRequestBody } from '../anthropic/anthropic-api-types.js';
import { buildGeminiRequestBody } from '../gemini/adapter.js';
import { GeminiStreamTranslator } from '../gemini/gemini-stream-translator.js';
import { parseGeminiResponse } from '../gemini/parse-gemini-response.js';
import { refuseUnsupportedParameters } from '../parameter-policy.js';
import type { ChatTarget, Credentials, NativeEndpoint, NativeTarget, ProviderAdapter, UpstreamRequest } from '../types.js';
import { mapVertexError } from './vertex-errors.js';
import { vertexEmbeddings } from './vertex-embeddings.js';
import { publisherOf, vertexModelPath } from './vertex-paths.js';

/** The Messages API version Claude on Vertex expects in the body. */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

type VertexAnthropicBody = Omit<AnthropicRequestBody, 'model'> & { anthropic_version: string; model?: string };

function anthropicBody(req: ChatRequest, target: ChatTarget): VertexAnthropicBody {
  const body: VertexAnthropicBody = { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...buildAnthropicBody(req, target) };
  delete body.model;
  return body;
}

function buildChatRequest(req: ChatRequest, target: ChatTarget): UpstreamRequest {
  const { provider, model, stream } = target;
  const claude = publisherOf(model) === 'anthropic';
  // The parameter table's column is the publisher's: Claude on Vertex takes what Anthropic takes.
  refuseUnsupportedParameters(req, claude ? 'anthropic' : 'gemini', provider.name);
  const method = claude ? (stream ? 'streamRawPredict' : 'rawPredict') : stream ? 'streamGenerateContent' : 'generateContent';
  const path = vertexModelPath(provider, model, method);
  return {
    method: 'POST',
    origin: provider.baseUrl.origin,
    path: stream && !claude ? `${path}?alt=sse` : path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claude ? anthropicBody(req, target) : buildGeminiRequestBody(req, model)),
  };
}

/** A fresh token is synchronous; only a refresh that must finish first makes this a promise. */
function authorize(req: UpstreamRequest, credentials: Credentials): void | Promise<void> {
  if (credentials.kind !== 'oauth') return;
  const token = credentials.token();
  if (typeof token === 'string') {
    req.headers.authorization = `Bearer ${token}`;
    return;
  }
  return token.then((value) => {
    req.headers.authorization = `Bearer ${value}`;
  });
}

/**
 * A Messages client asking for Claude on Vertex is answered natively: its body goes up with the
 * model moved to the URL and Vertex's API version added, and Anthropic's answer comes back piped.
 */
const claudeMessages: NativeEndpoint = {
  serves: (_provider, model) => publisherOf(model) === 'anthropic',
  buildRequest(_body, target: NativeTarget): UpstreamRequest {
    const { provider, model, stream, parsed } = target;
    const { model: _model, ...rest } = parsed;
    return {
      method: 'POST',
      origin: provider.baseUrl.origin,
      path: vertexModelPath(provider, model, stream ? 'streamRawPredict' : 'rawPredict'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ anthropic_version: VERTEX_ANTHROPIC_VERSION, ...rest }),
    };
  },
};

export function createVertexAdapter(): ProviderAdapter {
  return {
    kind: 'vertex',
    pipesChat: false,
    native: { messages: claudeMessages },
    chat: {
      buildRequest: buildChatRequest,
      parseResponse: (body, target) =>
        publisherOf(target.model) === 'anthropic' ? parseAnthropicResponse(body, target) : parseGeminiResponse(body, target),
      createStreamTranslator: (target, sink) =>
        publisherOf(target.model) === 'anthropic' ? new AnthropicStreamTranslator(target, sink) : new GeminiStreamTranslator(target, sink),
    },
    embeddings: vertexEmbeddings,
    authorize,
    mapError: (status, headers, body, provider) => mapVertexError(status, headers, body, provider.name),
  };
}
