/**
 * Mistral (`https://api.mistral.ai/v1/…`): the OpenAI chat dialect with strict validation,
 * 9-character tool-call ids, and a stream that needs fixing (see mistral-stream-translator.ts),
 * so nothing is piped as is.
 */
import type { ProviderAdapter } from '../types.js';
import { bearerAuth } from '../openai-compatible/adapter.js';
import { openAIJsonRequest } from '../openai-compatible/embeddings.js';
import { convertToMistralRequest } from './convert-to-mistral-request.js';
import { mapMistralError } from './mistral-errors.js';
import { mistralEmbeddings } from './mistral-embeddings.js';
import { MistralStreamTranslator } from './mistral-stream-translator.js';
import { parseMistralResponse } from './parse-mistral-response.js';

export function createMistralAdapter(): ProviderAdapter {
  return {
    kind: 'mistral',
    pipesChat: false,
    chat: {
      buildRequest: (req, target) =>
        openAIJsonRequest(target.provider, 'chat/completions', JSON.stringify(convertToMistralRequest(req, target.model, target.stream)), {
          accept: target.stream ? 'text/event-stream' : 'application/json',
        }),
      parseResponse: (body, target) => parseMistralResponse(body, target.requestId, target.model),
      createStreamTranslator: (target, sink) => new MistralStreamTranslator(target, sink),
    },
    embeddings: mistralEmbeddings,
    authorize: (req, credentials) => bearerAuth(req, credentials),
    mapError: (status, headers, body, provider) => mapMistralError(status, headers, body, provider.name),
  };
}
