/**
 * Embeddings through Amazon Titan Text Embeddings (`amazon.titan-embed-text-v2:0`, also v1)
 * on `POST /model/{id}/invoke`.
 *
 * Titan embeds one text per call: `maxInputs: 1` makes the core split a list of inputs into
 * concurrent calls and merge the vectors in order.
 * `normalize: true` is sent so vectors match OpenAI's unit-length embeddings. `user` is dropped.
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { EmbeddingsCapability, EmbeddingsTarget, UpstreamRequest } from '../types.js';
import type { TitanEmbeddingRequest, TitanEmbeddingResponse } from './bedrock-api-types.js';
import { bedrockModelPath } from './build-converse-request.js';

const TITAN_V2_DIMENSIONS = new Set([256, 512, 1024]);

function singleText(input: EmbeddingsRequest['input']): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.length === 1 && typeof input[0] === 'string') return input[0];
  if (Array.isArray(input) && input.length > 1 && input.every((v) => typeof v === 'string')) {
    throw invalidRequest(
      'Bedrock Titan embeds one text per request; send one input string per request.',
      'input',
    );
  }
  throw invalidRequest('Bedrock Titan embeds text; input must be a string (token arrays are not accepted).', 'input');
}

export function buildTitanEmbeddingsRequest(req: EmbeddingsRequest, target: EmbeddingsTarget): UpstreamRequest {
  const model = target.model;
  if (!model.includes('amazon.titan-embed-text')) {
    throw invalidRequest(`Bedrock embeddings support Amazon Titan text models, not ${model}.`, 'model');
  }
  const body: TitanEmbeddingRequest = { inputText: singleText(req.input) };
  // v1 takes only inputText; v2 adds dimensions and normalize.
  const isV1 = model.includes('titan-embed-text-v1');
  if (req.dimensions !== undefined && req.dimensions !== null) {
    if (isV1 || !TITAN_V2_DIMENSIONS.has(req.dimensions)) {
      throw invalidRequest(
        isV1 ? `${model} has a fixed size; dimensions cannot be set.` : 'Titan v2 supports dimensions 256, 512 or 1024.',
        'dimensions',
      );
    }
    body.dimensions = req.dimensions;
  }
  if (!isV1) body.normalize = true;
  const { baseUrl } = target.provider;
  return {
    method: 'POST',
    origin: baseUrl.origin,
    path: bedrockModelPath(baseUrl, model, 'invoke'),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  };
}

export function parseTitanEmbeddingsResponse(body: unknown, target: EmbeddingsTarget): EmbeddingsResponse {
  const response = (body ?? {}) as TitanEmbeddingResponse;
  const tokens = typeof response.inputTextTokenCount === 'number' ? response.inputTextTokenCount : 0;
  return {
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding: Array.isArray(response.embedding) ? response.embedding : [] }],
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

export const titanEmbeddings: EmbeddingsCapability = {
  maxInputs: 1,
  buildRequest: buildTitanEmbeddingsRequest,
  parseResponse: parseTitanEmbeddingsResponse,
};
