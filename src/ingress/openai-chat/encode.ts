/** Server-sent-event framing of the OpenAI dialect. */
import type { ChatCompletionChunk, EmbeddingsResponse } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';

export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * Encodes the chunks of one stream. `id`, `created` and `model` are the same on every chunk of
 * a response, so their JSON is built once and only `choices` (and `usage`) are serialised per
 * chunk — translated streams spend a good part of their CPU here.
 */
export class ChunkEncoder {
  private prefix = '';
  private id: string | undefined;
  private model: string | undefined;
  private created = -1;

  encode(chunk: ChatCompletionChunk): string {
    if (chunk.id !== this.id || chunk.model !== this.model || chunk.created !== this.created) {
      this.id = chunk.id;
      this.model = chunk.model;
      this.created = chunk.created;
      this.prefix = `data: {"id":${JSON.stringify(chunk.id)},"object":"chat.completion.chunk","created":${chunk.created},"model":${JSON.stringify(chunk.model)},"choices":`;
    }
    const choices = contentOnly(chunk) ?? JSON.stringify(chunk.choices);
    return chunk.usage === undefined
      ? `${this.prefix}${choices}}\n\n`
      : `${this.prefix}${choices},"usage":${JSON.stringify(chunk.usage)}}\n\n`;
  }
}

/**
 * The choices of a plain content delta, built without the generic serialiser: most chunks of a
 * translated stream are this one shape. Undefined for anything else (role, tool calls, finish).
 */
function contentOnly(chunk: ChatCompletionChunk): string | undefined {
  if (chunk.choices.length !== 1) return undefined;
  const choice = chunk.choices[0]!;
  const { delta } = choice;
  if (choice.index !== 0 || choice.finish_reason !== null || choice.logprobs !== undefined) return undefined;
  if (typeof delta.content !== 'string' || delta.role !== undefined || delta.tool_calls !== undefined || delta.reasoning_content !== undefined) return undefined;
  return `[{"index":0,"delta":{"content":${JSON.stringify(delta.content)}},"finish_reason":null}]`;
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
