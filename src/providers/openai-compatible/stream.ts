/**
 * Re-emits an OpenAI-dialect SSE stream as canonical chunks. Used when the bytes cannot be
 * piped as they are (a provider's quirks need fixing, or usage must be read).
 * Adapters may pass `fix` to patch each chunk (Mistral's tool calls without `index`).
 */
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ChatTarget, StreamSink, StreamTranslator } from '../types.js';

export class OpenAIStreamRelay implements StreamTranslator {
  private readonly parser;
  /** Keeps a multi-byte character split across two reads intact. */
  private readonly decoder = new StringDecoder('utf8');
  private finished = false;

  constructor(
    private readonly target: ChatTarget,
    private readonly sink: StreamSink,
    private readonly fix?: (chunk: ChatCompletionChunk) => ChatCompletionChunk,
  ) {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  write(bytes: Buffer): void {
    this.parser.feed(this.decoder.write(bytes));
  }

  end(): void {
    const rest = this.decoder.end();
    if (rest) this.parser.feed(rest);
    this.parser.reset({ consume: true });
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.finished) return;
    if (event.data === '[DONE]') {
      this.finished = true;
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.data);
    } catch {
      this.sink.error(new GatewayError({ status: 502, message: `${this.target.provider.name}: malformed stream event`, provider: this.target.provider.name }));
      this.finished = true;
      return;
    }
    const record = parsed as { error?: { message?: string; type?: string; code?: string } | string };
    if (record.error) {
      // OpenAI sends an object; Ollama a bare string.
      const error = typeof record.error === 'string' ? { message: record.error } : record.error;
      this.sink.error(
        new GatewayError({
          status: 502,
          message: `${this.target.provider.name}: ${error.message ?? 'stream error'}`,
          type: error.type,
          code: error.code ?? null,
          provider: this.target.provider.name,
        }),
      );
      this.finished = true;
      return;
    }
    const chunk = parsed as ChatCompletionChunk;
    this.sink.chunk(this.fix ? this.fix(chunk) : chunk);
  }
}
