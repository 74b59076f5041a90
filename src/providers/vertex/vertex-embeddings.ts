/**
 * OpenAI embeddings → Vertex `:predict` (`{instances:[{content}], parameters}`), which answers
 * `predictions[].embeddings.values` with a token count per input. One text per call: that is
 * gemini-embedding-001's limit on Vertex, and the core runs the calls of a list concurrently.
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/chat-types.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import type { EmbeddingsCapability, EmbeddingsTarget, UpstreamRequest } from '../types.js';
import { publisherOf, vertexModelPath } from './vertex-paths.js';

interface VertexPredictResponse {
  predictions?: Array<{ embeddings?: { values?: number[]; statistics?: { token_count?: number } } }>;
}

function textInputs(input: EmbeddingsRequest['input']): string[] {
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0) throw invalidRequest('input must be a non-empty string or array of strings', 'input');
  for (const item of inputs) {
    if (typeof item !== 'string') throw invalidRequest('vertex embeds text only; token-array inputs are not supported', 'input');
  }
  return inputs as string[];
}

export const vertexEmbeddings: EmbeddingsCapability = {
  maxInputs: 1,
  buildRequest(req: EmbeddingsRequest, target: EmbeddingsTarget): UpstreamRequest {
    if (publisherOf(target.model) !== 'google') {
      throw invalidRequest(`${target.provider.name}: ${target.model} has no embeddings; use a Google embeddings model such as gemini-embedding-001`, 'model');
    }
    const body: { instances: Array<{ content: string }>; parameters?: { outputDimensionality: number } } = {
      instances: textInputs(req.input).map((content) => ({ content })),
    };
    if (req.dimensions != null) body.parameters = { outputDimensionality: req.dimensions };
    const { provider } = target;
    return {
      method: 'POST',
      origin: provider.baseUrl.origin,
      path: vertexModelPath(provider, target.model, 'predict'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  },

  parseResponse(body: unknown, target: EmbeddingsTarget): EmbeddingsResponse {
    const predictions = (body as VertexPredictResponse | null)?.predictions;
    if (!Array.isArray(predictions)) {
      throw new GatewayError({ status: 502, message: `${target.provider.name}: embeddings response without predictions`, provider: target.provider.name });
    }
    let tokens = 0;
    const data = predictions.map((prediction, index) => {
      tokens += prediction.embeddings?.statistics?.token_count ?? 0;
      return { object: 'embedding' as const, index, embedding: prediction.embeddings?.values ?? [] };
    });
    return { object: 'list', data, model: target.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  },
};
