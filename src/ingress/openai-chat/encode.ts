/** Server-sent-event framing of the OpenAI dialect. */
import type { ChatCompletionChunk, EmbeddingsResponse } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';

export const SSE_DONE = 'data: [DONE]\n\n';

export function sseChunk(chunk: ChatCompletionChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** An error after the 200 went out: the openai SDK raises an APIError for a chunk with `error`. */
export function sseError(error: GatewayError): string {
  // The leading blank line ends any event the upstream left half-written.
  return `\n\ndata: ${JSON.stringify(error.toBody())}\n\n`;
}

/** Float vectors → base64 of little-endian float32, as OpenAI returns for `encoding_format: base64`. */
export function encodeEmbeddingsBase64(response: EmbeddingsResponse): EmbeddingsResponse {
  return {
    ...response,
    data: response.data.map((d) => {
      if (typeof d.embedding === 'string') return d;
      const floats = Float32Array.from(d.embedding);
      return { ...d, embedding: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64') };
    }),
  };
}
