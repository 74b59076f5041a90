/** OpenAI-shaped `/v1/embeddings` bodies, shared by every OpenAI-dialect provider. */
import type { EmbeddingsResponse } from '../../core/chat-types.js';
import type { ProviderRuntime, UpstreamRequest } from '../types.js';
import { openAIPath } from './adapter.js';

interface OpenAIEmbeddingsBody {
  model?: string;
  data?: Array<{ index?: number; embedding?: number[] | string }>;
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

/** A JSON POST to `{base}/v1/{apiPath}`. */
export function openAIJsonRequest(provider: ProviderRuntime, apiPath: string, body: string | Buffer, headers: Record<string, string> = {}): UpstreamRequest {
  const { baseUrl } = provider;
  return {
    method: 'POST',
    origin: baseUrl.origin,
    path: openAIPath(baseUrl, apiPath),
    headers: { 'content-type': 'application/json', ...headers },
    body,
  };
}

/** Tolerates servers that leave out `index`, `model` or `usage`. */
export function parseOpenAIEmbeddings(body: unknown, fallbackModel: string): EmbeddingsResponse {
  const res = (body ?? {}) as OpenAIEmbeddingsBody;
  const prompt = res.usage?.prompt_tokens ?? 0;
  return {
    object: 'list',
    data: (res.data ?? []).map((d, i) => ({ object: 'embedding', index: d.index ?? i, embedding: d.embedding ?? [] })),
    model: res.model ?? fallbackModel,
    usage: { prompt_tokens: prompt, total_tokens: res.usage?.total_tokens ?? prompt },
  };
}
