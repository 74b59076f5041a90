/** The Responses dialect on the pipeline: its errors, and canonical output as Response events. */
import type { ChatCompletion, ChatCompletionChunk } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { AnswerEncoder, ClientDialect } from '../../pipeline/answer-encoder.js';
import { encodeResponsesResponse } from './encode.js';
import { responsesErrorResponse } from './errors.js';
import { rememberResponse } from './remember.js';
import type { ResponseOptions } from './response-object.js';
import type { ResponseStore } from './response-store.js';
import { ResponsesStreamEncoder } from './stream-encoder.js';

export const openAIResponsesDialect: ClientDialect = {
  name: 'openai-responses',
  renderError: responsesErrorResponse,
  // A piped Responses stream that breaks off ends with OpenAI's `error` event, which the SDKs raise.
  streamError: (e) => `\n\nevent: error\ndata: ${JSON.stringify({ type: 'error', code: e.code ?? e.type, message: e.message, param: e.param })}\n\n`,
};

/** Encodes a translated answer as a Response and keeps it for `previous_response_id`. */
export class ResponsesAnswerEncoder implements AnswerEncoder {
  private stream: ResponsesStreamEncoder | undefined;

  constructor(
    private readonly opts: ResponseOptions,
    private readonly store: ResponseStore,
  ) {}

  private get encoder(): ResponsesStreamEncoder {
    return (this.stream ??= new ResponsesStreamEncoder(this.opts));
  }

  chunk(chunk: ChatCompletionChunk): string {
    return this.encoder.chunk(chunk);
  }

  end(): string {
    const out = this.encoder.end();
    const response = this.encoder.response();
    if (response) rememberResponse(this.store, this.opts.context, response);
    return out;
  }

  error(error: GatewayError): string {
    return this.encoder.error(error);
  }

  complete(completion: ChatCompletion): unknown {
    const response = encodeResponsesResponse(completion, this.opts);
    rememberResponse(this.store, this.opts.context, response);
    return response;
  }
}
