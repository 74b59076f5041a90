/**
 * Embeddings through Mistral's `/v1/embeddings` (`mistral-embed`, `codestral-embed`).
 * Floats are always requested (`encoding_format` is stripped: the core base64-encodes when the
 * client asked); `dimensions` → `output_dimension`; `user` is dropped (accounting only).
 */
import type { EmbeddingsRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { openAIJsonRequest, parseOpenAIEmbeddings } from '../openai-compatible/embeddings.js';
import type { EmbeddingsCapability } from '../types.js';

function toMistralBody(req: EmbeddingsRequest, model: string): Record<string, unknown> {
  const input = req.input;
  // Mistral embeds text only; token-id arrays would be rejected upstream anyway.
  if (Array.isArray(input) && input.length > 0 && typeof input[0] !== 'string') {
    throw invalidRequest('Mistral embeddings accept text input only, not token arrays.', 'input', 'unsupported_parameter');
  }
  const body: Record<string, unknown> = { model, input };
  if (req.dimensions !== undefined && req.dimensions !== null) body.output_dimension = req.dimensions;
  return body;
}

export const mistralEmbeddings: EmbeddingsCapability = {
  buildRequest: (req, target) => openAIJsonRequest(target.provider, 'embeddings', JSON.stringify(toMistralBody(req, target.model))),
  parseResponse: (body, target) => parseOpenAIEmbeddings(body, target.model),
};
