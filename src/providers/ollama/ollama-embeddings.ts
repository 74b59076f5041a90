/**
 * Embeddings through Ollama's `/v1/embeddings`. Floats are always requested: `encoding_format`
 * is stripped (older Ollama versions know only floats; the core base64-encodes when the client
 * asked), and `user` is dropped (ignored by Ollama anyway). `dimensions` passes through.
 */
import type { EmbeddingsResponse } from '../../core/chat-types.js';
import { openAIPath } from '../openai-compatible/adapter.js';
import type { EmbeddingsCapability } from '../types.js';

interface OllamaEmbeddingsResponse {
  model?: string;
  data?: Array<{ index?: number; embedding?: number[] }>;
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

export const ollamaEmbeddings: EmbeddingsCapability = {
  buildRequest(req, target) {
    const { baseUrl } = target.provider;
    const body: Record<string, unknown> = { model: target.model, input: req.input };
    if (req.dimensions !== undefined && req.dimensions !== null) body.dimensions = req.dimensions;
    return {
      method: 'POST',
      origin: baseUrl.origin,
      path: openAIPath(baseUrl, 'embeddings'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  },
  parseResponse(body, target): EmbeddingsResponse {
    const res = (body ?? {}) as OllamaEmbeddingsResponse;
    const prompt = res.usage?.prompt_tokens ?? 0;
    return {
      object: 'list',
      data: (res.data ?? []).map((d, i) => ({ object: 'embedding', index: d.index ?? i, embedding: d.embedding ?? [] })),
      model: res.model ?? target.model,
      usage: { prompt_tokens: prompt, total_tokens: res.usage?.total_tokens ?? prompt },
    };
  },
};
