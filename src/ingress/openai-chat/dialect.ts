/** The OpenAI chat dialect on the pipeline: its errors, and canonical output as chat chunks. */
import type { ChatCompletion, ChatCompletionChunk } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { AnswerEncoder, ClientDialect, RenderedError } from '../../pipeline/answer-encoder.js';
import { ChunkEncoder, SSE_DONE, sseError } from './encode.js';

export function openAIErrorResponse(error: GatewayError): RenderedError {
  return error.retryAfter === undefined
    ? { status: error.status, body: error.toBody() }
    : { status: error.status, body: error.toBody(), headers: { 'retry-after': String(error.retryAfter) } };
}

export const openAIChatDialect: ClientDialect = {
  name: 'openai-chat',
  renderError: openAIErrorResponse,
  streamError: sseError,
};

/** Canonical chunks are OpenAI's chunks: encoded as they are, the usage one only when asked for. */
export class ChatAnswerEncoder implements AnswerEncoder {
  private readonly encoder = new ChunkEncoder();

  constructor(private readonly includeUsage: boolean) {}

  chunk(chunk: ChatCompletionChunk): string {
    // The usage-only chunk is always produced for accounting; the client gets it only if asked.
    if (chunk.choices.length === 0 && !this.includeUsage) return '';
    return this.encoder.encode(chunk);
  }

  end(): string {
    return SSE_DONE;
  }

  error(error: GatewayError): string {
    return sseError(error);
  }

  complete(completion: ChatCompletion): unknown {
    return completion;
  }
}
