/**
 * Anthropic Messages API (`POST /v1/messages`): OpenAI chat requests are translated to the
 * native format and responses and streams back. Anthropic has no embeddings API.
 */
import type { ProviderAdapter } from '../types.js';
import { buildAnthropicRequest } from './build-anthropic-request.js';
import { mapAnthropicError } from './anthropic-errors.js';
import { AnthropicStreamTranslator } from './anthropic-stream-translator.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';

export function createAnthropicAdapter(): ProviderAdapter {
  return {
    kind: 'anthropic',
    pipesChat: false,
    chat: {
      buildRequest: buildAnthropicRequest,
      parseResponse: parseAnthropicResponse,
      createStreamTranslator: (target, sink) => new AnthropicStreamTranslator(target, sink),
    },
    authorize(req, credentials) {
      if (credentials.kind === 'api-key') req.headers['x-api-key'] = credentials.key;
    },
    mapError: (status, headers, body, provider) => mapAnthropicError(status, headers, body, provider.name),
  };
}
