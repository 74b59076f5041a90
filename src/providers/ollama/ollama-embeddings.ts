/**
 * Embeddings through Ollama's `/v1/embeddings`. Floats are always requested: `encoding_format`
 * is stripped (older Ollama versions know only floats; the core base64-encodes when the client
 * asked), and `user` is dropped (ignored by Ollama anyway). `dimensions` passes through.
 */
import { openAIJsonRequest, parseOpenAIEmbeddings } from '../openai-compatible/embeddings.js';
import type { EmbeddingsCapability } from '../types.js';

export const ollamaEmbeddings: EmbeddingsCapability = {
  buildRequest(req, target) {
    const body: Record<string, unknown> = { model: target.model, input: req.input };
    if (req.dimensions !== undefined && req.dimensions !== null) body.dimensions = req.dimensions;
    return openAIJsonRequest(target.provider, 'embeddings', JSON.stringify(body));
  },
  parseResponse: (body, target) => parseOpenAIEmbeddings(body, target.model),
};
