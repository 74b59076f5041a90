/**
 * The AWS Bedrock adapter: Converse / ConverseStream for chat, Titan for embeddings,
 * SigV4 (or a Bedrock API key) for auth.
 *
 * `authorize` returns the signing promise. The contract types it as `void`, so the core must
 * await its result whenever it is a promise before sending the request.
 */
import type { ProviderAdapter } from '../types.js';
import { mapBedrockError } from './bedrock-errors.js';
import { BedrockStreamTranslator } from './bedrock-stream-translator.js';
import { buildConverseRequest } from './build-converse-request.js';
import { parseConverseResponse } from './parse-converse-response.js';
import { signBedrockRequest } from './sign-bedrock-request.js';
import { titanEmbeddings } from './titan-embeddings.js';

export function createBedrockAdapter(): ProviderAdapter {
  return {
    kind: 'bedrock',
    pipesChat: false,
    chat: {
      buildRequest: buildConverseRequest,
      parseResponse: parseConverseResponse,
      createStreamTranslator: (target, sink) => new BedrockStreamTranslator(target, sink),
    },
    embeddings: titanEmbeddings,
    authorize: (req, credentials) => signBedrockRequest(req, credentials),
    mapError: (status, headers, body, provider) => mapBedrockError(status, headers, body, provider.name),
  };
}
