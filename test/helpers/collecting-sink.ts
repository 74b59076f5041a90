/** A StreamSink that keeps what a stream translator emits, for assertions. */
import type { ChatCompletionChunk } from '../../src/core/chat-types.js';
import type { GatewayError } from '../../src/core/gateway-error.js';
import type { StreamSink } from '../../src/providers/types.js';

export class CollectingSink implements StreamSink {
  chunks: ChatCompletionChunk[] = [];
  errors: GatewayError[] = [];

  chunk(chunk: ChatCompletionChunk): void {
    this.chunks.push(chunk);
  }

  error(error: GatewayError): void {
    this.errors.push(error);
  }
}
