/**
 * Providers that speak OpenAI's chat-completions dialect (OpenAI, Groq, DeepSeek, xAI, any custom
 * `base-url`). Bodies go up almost untouched and come back piped byte for byte.
 */
import type { ChatCompletion, ChatRequest } from '../../core/chat-types.js';
import type { NativeEndpoint, ProviderAdapter, UpstreamRequest, ChatTarget, ProviderRuntime } from '../types.js';
import { mapOpenAIError } from './errors.js';
import { OpenAIStreamRelay } from './stream.js';
import { openAIJsonRequest, parseOpenAIEmbeddings } from './embeddings.js';

/**
 * Joins the provider's base URL and an OpenAI API path. Helicone's base URLs end at the host
 * (`https://api.openai.com/`) and the gateway adds `v1/…`; a base URL that already ends in a
 * version segment (`http://vllm:8000/v1/`, Gemini's `/v1beta/openai/`) gets only the rest.
 */
export function openAIPath(baseUrl: URL, apiPath: string): string {
  let prefix = apiPrefixes.get(baseUrl);
  if (prefix === undefined) {
    const base = baseUrl.pathname; // always ends with '/'
    prefix = VERSIONED_BASE.test(base) ? base : `${base}v1/`;
    apiPrefixes.set(baseUrl, prefix);
  }
  return prefix + apiPath;
}

const VERSIONED_BASE = /\/v\d+[a-z]*(\/openai)?\/$/;
/** Provider base URLs live for the whole process: their API prefix is worked out once. */
const apiPrefixes = new WeakMap<URL, string>();

export function jsonBody(target: { rawBody?: Buffer; modelRewritten: boolean }, req: object & { model: string }, model: string): string | Buffer {
  // Forward the client's bytes when nothing changed: no re-serialisation on the hot path.
  if (target.rawBody && !target.modelRewritten) return target.rawBody;
  return JSON.stringify({ ...req, model });
}

export function buildOpenAIChatRequest(req: ChatRequest, target: ChatTarget): UpstreamRequest {
  return openAIJsonRequest(target.provider, 'chat/completions', jsonBody(target, req, target.model));
}

export function bearerAuth(req: UpstreamRequest, credentials: import('../types.js').Credentials): void {
  if (credentials.kind === 'api-key') req.headers.authorization = `Bearer ${credentials.key}`;
}

/**
 * The Responses API is OpenAI's own: other OpenAI-compatible servers mostly lack it, so only
 * OpenAI (by name or by host) is sent Responses requests natively; the rest get chat.
 */
const openAIResponses: NativeEndpoint = {
  serves: (provider) => provider.name === 'openai' || provider.baseUrl.hostname === 'api.openai.com',
  buildRequest: (body, target) => openAIJsonRequest(target.provider, 'responses', body),
};

export function createOpenAICompatibleAdapter(kind = 'openai-compatible'): ProviderAdapter {
  return {
    kind,
    native: { responses: openAIResponses },
    pipesChat: true,
    chat: {
      buildRequest: buildOpenAIChatRequest,
      parseResponse: (body) => body as ChatCompletion,
      createStreamTranslator: (target, sink) => new OpenAIStreamRelay(target, sink),
    },
    embeddings: {
      buildRequest: (req, target) => openAIJsonRequest(target.provider, 'embeddings', JSON.stringify({ ...req, model: target.model })),
      parseResponse: (body, target) => parseOpenAIEmbeddings(body, target.model),
    },
    authorize: (req, credentials) => bearerAuth(req, credentials),
    mapError: (status, headers, body, provider: ProviderRuntime) => mapOpenAIError(status, headers, body, provider.name),
  };
}
