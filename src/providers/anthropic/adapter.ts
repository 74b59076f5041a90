/**
 * Anthropic Messages API (`POST /v1/messages`): OpenAI chat requests are translated to the
 * native format and responses and streams back. Anthropic has no embeddings API.
 */
import type { NativeEndpoint, NativeTarget, ProviderAdapter, UpstreamRequest } from '../types.js';
import { versionedApiPath } from '../base-path.js';
import { DEFAULT_ANTHROPIC_VERSION } from './build-anthropic-request.js';
import { buildAnthropicRequest } from './build-anthropic-request.js';
import { mapAnthropicError } from './anthropic-errors.js';
import { AnthropicStreamTranslator } from './anthropic-stream-translator.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';

/**
 * A Messages request from an Anthropic client goes up as it came: the client's API version and
 * beta flags are kept (they choose features the body relies on), the provider's version else.
 */
function nativeRequest(apiPath: string): NativeEndpoint {
  return {
    buildRequest(body: Buffer | string, target: NativeTarget): UpstreamRequest {
      const { baseUrl, version } = target.provider;
      const client = target.clientHeaders;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'anthropic-version': client?.['anthropic-version'] ?? version ?? DEFAULT_ANTHROPIC_VERSION,
      };
      const beta = client?.['anthropic-beta'];
      if (beta !== undefined) headers['anthropic-beta'] = beta;
      return { method: 'POST', origin: baseUrl.origin, path: versionedApiPath(baseUrl.pathname, apiPath), headers, body };
    },
  };
}

export function createAnthropicAdapter(): ProviderAdapter {
  return {
    kind: 'anthropic',
    native: { messages: nativeRequest('v1/messages'), countTokens: nativeRequest('v1/messages/count_tokens') },
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
