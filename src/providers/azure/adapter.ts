/**
 * Azure OpenAI (`https://<resource>.openai.azure.com`): OpenAI's chat and embeddings dialect on
 * Azure's paths (azure-paths.ts), the key in an `api-key` header, and Azure's error codes and
 * content filter mapped (azure-errors.ts). Answers are OpenAI's shape, so they are piped as they
 * come; Azure's extra `prompt_filter_results` / `content_filter_results` fields pass through
 * (OpenAI SDKs ignore fields they do not know).
 */
import type { ChatCompletion } from '../../core/chat-types.js';
import { jsonBody } from '../openai-compatible/adapter.js';
import { parseOpenAIEmbeddings } from '../openai-compatible/embeddings.js';
import type { Credentials, NativeEndpoint, NativeTarget, ProviderAdapter, ProviderRuntime, UpstreamRequest } from '../types.js';
import { azurePath } from './azure-paths.js';
import { mapAzureError } from './azure-errors.js';
import { createAzureStreamTranslator } from './azure-stream.js';

/** A JSON POST to the Azure path of `endpoint` (`chat/completions`, `embeddings`, `responses`). */
export function azureJsonRequest(provider: ProviderRuntime, endpoint: string, model: string, body: string | Buffer): UpstreamRequest {
  return {
    method: 'POST',
    origin: provider.baseUrl.origin,
    path: azurePath(provider, endpoint, model),
    headers: { 'content-type': 'application/json' },
    body,
  };
}

/** Azure keys go in `api-key`; `Authorization` is for Entra ID tokens, never a key. */
export function azureKeyAuth(req: UpstreamRequest, credentials: Credentials): void {
  if (credentials.kind === 'api-key') req.headers['api-key'] = credentials.key;
}

/**
 * Azure serves the Responses API on its v1 paths only, where the body's `model` is the
 * deployment: a model listed in `deployments` is sent under its deployment's name.
 */
const azureResponses: NativeEndpoint = {
  buildRequest(body, target: NativeTarget) {
    const deployment = target.provider.deployments?.get(target.model);
    const sent = deployment === undefined || deployment === target.parsed.model ? body : JSON.stringify({ ...target.parsed, model: deployment });
    return azureJsonRequest(target.provider, 'responses', target.model, sent);
  },
};

export function createAzureAdapter(): ProviderAdapter {
  return {
    kind: 'azure',
    pipesChat: true,
    native: { responses: azureResponses },
    chat: {
      // On deployment paths Azure ignores the body's `model`, so the client's bytes go up as they came.
      buildRequest: (req, target) => azureJsonRequest(target.provider, 'chat/completions', target.model, jsonBody(target, req, target.model)),
      parseResponse: (body) => body as ChatCompletion,
      createStreamTranslator: createAzureStreamTranslator,
    },
    embeddings: {
      buildRequest: (req, target) => azureJsonRequest(target.provider, 'embeddings', target.model, JSON.stringify({ ...req, model: target.model })),
      parseResponse: (body, target) => parseOpenAIEmbeddings(body, target.model),
    },
    authorize: azureKeyAuth,
    mapError: (status, headers, body, provider) => mapAzureError(status, headers, body, provider.name),
  };
}
