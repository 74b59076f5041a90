/**
 * The client dialect's side of the pipeline: how errors look to this client, and how canonical
 * output (chunks, completions) is written in its dialect when the provider answered in another.
 */
import type { ChatCompletion, ChatCompletionChunk } from '../core/chat-types.js';
import type { GatewayError } from '../core/gateway-error.js';

export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ClientDialect {
  readonly name: 'openai-chat' | 'anthropic-messages' | 'openai-responses';
  /** An error before the answer started, in the client's shape and with its status codes. */
  renderError(error: GatewayError): RenderedError;
  /** An error after a piped stream started, as the dialect's error event. */
  streamError(error: GatewayError): string;
}

/** Encodes one translated answer; made per attempt (ids, the client's model). */
export interface AnswerEncoder {
  /** Stream: the bytes for one canonical chunk ('' when it adds nothing for this client). */
  chunk(chunk: ChatCompletionChunk): string;
  /** Stream: the closing events. */
  end(): string;
  /** Stream: an error after the answer started, as the dialect's error event. */
  error(error: GatewayError): string;
  /** Non-streaming: the whole answer as a JSON value. */
  complete(completion: ChatCompletion): unknown;
}
