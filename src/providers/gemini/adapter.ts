/**
 * Google Gemini through its native `generateContent` API (not the OpenAI-compatible layer):
 * native usage details, safety reasons and thought signatures survive the translation.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import type { ChatTarget, Credentials, ProviderAdapter, UpstreamRequest } from '../types.js';
import { buildGeminiGenerationConfig } from './build-gemini-generation-config.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';
import { geminiEmbeddings } from './gemini-embeddings.js';
import { mapGeminiError } from './gemini-errors.js';
import { geminiChatPath } from './gemini-paths.js';
import { GeminiStreamTranslator } from './gemini-stream-translator.js';
import type { GeminiRequest } from './gemini-types.js';
import { parseGeminiResponse } from './parse-gemini-response.js';

export function buildGeminiRequestBody(req: ChatRequest, model: string): GeminiRequest {
  const { systemInstruction, contents } = convertToGeminiContents(req.messages, model);
  const body: GeminiRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  const { tools, toolConfig } = convertToGeminiTools(req);
  if (tools) body.tools = tools;
  if (toolConfig) body.toolConfig = toolConfig;
  const generationConfig = buildGeminiGenerationConfig(req, model);
  if (generationConfig) body.generationConfig = generationConfig;
  return body;
}

function buildChatRequest(req: ChatRequest, target: ChatTarget): UpstreamRequest {
  const { baseUrl } = target.provider;
  return {
    method: 'POST',
    origin: baseUrl.origin,
    path: geminiChatPath(baseUrl, target.model, target.stream),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildGeminiRequestBody(req, target.model)),
  };
}

/** The key goes in a header, never in `?key=`: URLs end up in logs. */
function authorize(req: UpstreamRequest, credentials: Credentials): void {
  if (credentials.kind === 'api-key') req.headers['x-goog-api-key'] = credentials.key;
}

export function createGeminiAdapter(): ProviderAdapter {
  return {
    kind: 'gemini',
    pipesChat: false,
    chat: {
      buildRequest: buildChatRequest,
      parseResponse: parseGeminiResponse,
      createStreamTranslator: (target, sink) => new GeminiStreamTranslator(target, sink),
    },
    embeddings: geminiEmbeddings,
    authorize,
    mapError: (status, headers, body, provider) => mapGeminiError(status, headers, body, provider.name),
  };
}
