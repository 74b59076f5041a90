/**
 * Embeddings through Mistral's `/v1/embeddings` (`mistral-embed`, `codestral-embed`).
 * Floats are always requested (`encoding_format` is stripped: the core base64-encodes when the
 * client asked); `dimensions` → `output_dimension`; `user` is dropped (accounting only).
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { openAIPath } from '../openai-compatible/adapter.js';
import type { EmbeddingsCapability } from '../types.js';

interface MistralEmbeddingsResponse {
  model?: string;
  data?: Array<{ index?: number; embedding?: number[] }>;
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

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
  buildRequest(req, target) {
    const { baseUrl } = target.provider;
    return {
      method: 'POST',
      origin: baseUrl.origin,
      path: openAIPath(baseUrl, 'embeddings'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(toMistralBody(req, target.model)),
    };
  },
  parseResponse(body, target): EmbeddingsResponse {
    const res = (body ?? {}) as MistralEmbeddingsResponse;
    const prompt = res.usage?.prompt_tokens ?? 0;
    return {
      object: 'list',
      data: (res.data ?? []).map((d, i) => ({ object: 'embedding', index: d.index ?? i, embedding: d.embedding ?? [] })),
      model: res.model ?? target.model,
      usage: { prompt_tokens: prompt, total_tokens: res.usage?.total_tokens ?? prompt },
    };
  },
};
