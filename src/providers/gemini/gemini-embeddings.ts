/**
 * OpenAI embeddings → `batchEmbedContents`, one request entry per input.
 * Gemini reports no token usage for embeddings, so usage is 0/0 (documented, not estimated).
 * `user` is dropped (no such field); `encoding_format` is applied by the core.
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/chat-types.js';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import type { EmbeddingsCapability, EmbeddingsTarget, UpstreamRequest } from '../types.js';
import { geminiMethodPath, geminiModelResource } from './gemini-paths.js';
import type { GeminiBatchEmbedResponse } from './gemini-types.js';

/** Gemini's per-call limit; larger batches are refused rather than split (no I/O here). */
const MAX_BATCH = 100;

function textInputs(input: EmbeddingsRequest['input']): string[] {
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0) throw invalidRequest('input must be a non-empty string or array of strings', 'input');
  for (const item of inputs) {
    if (typeof item !== 'string') throw invalidRequest('gemini embeds text only; token-array inputs are not supported', 'input');
  }
  if (inputs.length > MAX_BATCH) throw invalidRequest(`gemini embeds at most ${MAX_BATCH} inputs per request`, 'input');
  return inputs as string[];
}

export const geminiEmbeddings: EmbeddingsCapability = {
  maxInputs: MAX_BATCH,
  buildRequest(req: EmbeddingsRequest, target: EmbeddingsTarget): UpstreamRequest {
    const model = geminiModelResource(target.model);
    const requests = textInputs(req.input).map((text) => {
      const entry: { model: string; content: { parts: Array<{ text: string }> }; outputDimensionality?: number } = {
        model,
        content: { parts: [{ text }] },
      };
      if (req.dimensions != null) entry.outputDimensionality = req.dimensions;
      return entry;
    });
    const { baseUrl } = target.provider;
    return {
      method: 'POST',
      origin: baseUrl.origin,
      path: geminiMethodPath(baseUrl, target.model, 'batchEmbedContents'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests }),
    };
  },

  parseResponse(body: unknown, target: EmbeddingsTarget): EmbeddingsResponse {
    const embeddings = (body as GeminiBatchEmbedResponse | null)?.embeddings;
    if (!Array.isArray(embeddings)) {
      throw new GatewayError({ status: 502, message: `${target.provider.name}: embeddings response without embeddings`, provider: target.provider.name });
    }
    return {
      object: 'list',
      data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding: embedding.values ?? [] })),
      model: target.model,
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  },
};
