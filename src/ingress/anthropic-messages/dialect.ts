/** The Anthropic Messages dialect on the pipeline: its errors, and canonical output as Messages. */
import type { ChatCompletion, ChatCompletionChunk } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { AnswerEncoder, ClientDialect } from '../../pipeline/answer-encoder.js';
import { encodeMessagesResponse } from './encode-response.js';
import { messagesErrorBody, messagesErrorResponse } from './error-response.js';
import { MessagesStreamEncoder, type MessagesStreamOptions } from './stream-encoder.js';

export const anthropicMessagesDialect: ClientDialect = {
  name: 'anthropic-messages',
  renderError: messagesErrorResponse,
  // A piped Anthropic stream that breaks off ends with Anthropic's own error event.
  streamError: (error) => `\n\nevent: error\ndata: ${JSON.stringify(messagesErrorBody(error))}\n\n`,
};

export class MessagesAnswerEncoder implements AnswerEncoder {
  private readonly stream: MessagesStreamEncoder;

  constructor(private readonly opts: MessagesStreamOptions) {
    this.stream = new MessagesStreamEncoder(opts);
  }

  chunk(chunk: ChatCompletionChunk): string {
    return this.stream.chunk(chunk);
  }

  end(): string {
    return this.stream.end();
  }

  error(error: GatewayError): string {
    return this.stream.error(error);
  }

  complete(completion: ChatCompletion): unknown {
    return encodeMessagesResponse(completion, { model: this.opts.model });
  }
}
