/**
 * `streamGenerateContent?alt=sse` → canonical chunks.
 *
 * Each SSE event is a whole `GenerateContentResponse` holding only the new parts; events are
 * CRLF-delimited and there is no `[DONE]`: the stream ends at EOF, so `end()` emits the finish
 * and usage chunks. Function calls arrive complete, one delta each. `usageMetadata` is
 * cumulative, so the last one wins. A stream that ends before any `finishReason` was cut off.
 */
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { ChatCompletionChunk, ChunkChoice } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ChatTarget, StreamSink, StreamTranslator } from '../types.js';
import { googleStatusToError } from './gemini-errors.js';
import { geminiToolCallId } from './gemini-thought-signature.js';
import type { GeminiCandidate, GeminiResponse, GeminiUsageMetadata } from './gemini-types.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

/** One OpenAI choice per Gemini candidate (`n` > 1 streams several). */
interface CandidateState {
  index: number;
  toolCalls: number;
  finishReason: string | undefined;
}

type Phase = 'streaming' | 'closed';

export class GeminiStreamTranslator implements StreamTranslator {
  private readonly parser: EventSourceParser;
  // Splits may fall inside a multi-byte character; the decoder carries the partial bytes over.
  private readonly decoder = new StringDecoder('utf8');
  private phase: Phase = 'streaming';
  private header: { id: string; created: number; model: string } | undefined;
  private readonly candidates: CandidateState[] = [];
  private usage: GeminiUsageMetadata | undefined;
  private sawFinish = false;
  private promptBlocked = false;
  /** Counts calls across candidates, for generated ids. */
  private callCount = 0;

  constructor(
    private readonly target: ChatTarget,
    private readonly sink: StreamSink,
  ) {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  write(bytes: Buffer): void {
    if (this.phase === 'closed') return;
    this.parser.feed(this.decoder.write(bytes));
  }

  end(): void {
    if (this.phase === 'closed') return;
    const rest = this.decoder.end();
    if (rest) this.parser.feed(rest);
    this.parser.reset({ consume: true });
    // Flushing the parser may have delivered an error event.
    if (this.isClosed()) return;
    this.phase = 'closed';
    if (!this.sawFinish && !this.promptBlocked) {
      this.fail(new GatewayError({ status: 502, message: `${this.target.provider.name}: stream ended early`, provider: this.target.provider.name }));
      return;
    }
    if (this.candidates.length === 0) this.candidate(0);
    const choices: ChunkChoice[] = [];
    for (const state of this.candidates) {
      if (!state) continue;
      const finish = this.promptBlocked && !state.finishReason ? 'content_filter' : mapGeminiFinishReason(state.finishReason, state.toolCalls > 0);
      choices.push({ index: state.index, delta: {}, finish_reason: finish });
    }
    this.emit(choices);
    if (this.usage) this.emit([], mapGeminiUsage(this.usage));
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.phase === 'closed') return;
    let res: GeminiResponse;
    try {
      res = JSON.parse(event.data) as GeminiResponse;
    } catch {
      this.fail(new GatewayError({ status: 502, message: `${this.target.provider.name}: malformed stream event`, provider: this.target.provider.name }));
      return;
    }
    if (res.error) {
      this.fail(googleStatusToError(typeof res.error.code === 'number' ? res.error.code : 502, res.error, this.target.provider.name));
      return;
    }
    if (!this.header) {
      this.header = {
        id: res.responseId ?? `chatcmpl-${this.target.requestId}`,
        created: Math.floor(Date.now() / 1000),
        model: res.modelVersion ?? this.target.model,
      };
    }
    if (res.usageMetadata) this.usage = res.usageMetadata;
    if (res.promptFeedback?.blockReason) this.promptBlocked = true;
    const candidates = res.candidates;
    if (candidates) for (let i = 0; i < candidates.length; i++) this.onCandidate(candidates[i], i);
  }

  private onCandidate(candidate: GeminiCandidate, position: number): void {
    const state = this.candidate(candidate.index ?? position);
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall) {
        const { functionCall } = part;
        this.emit([
          {
            index: state.index,
            delta: {
              tool_calls: [
                {
                  index: state.toolCalls++,
                  id: geminiToolCallId(functionCall.id, part.thoughtSignature, this.target.requestId, this.callCount++),
                  type: 'function',
                  function: { name: functionCall.name, arguments: JSON.stringify(functionCall.args ?? {}) },
                },
              ],
            },
            finish_reason: null,
          },
        ]);
      } else if (part.text && part.thought !== true) {
        // Empty text parts only carry a signature; thought parts are reasoning, not content.
        this.emit([{ index: state.index, delta: { content: part.text }, finish_reason: null }]);
      }
    }
    if (candidate.finishReason) {
      state.finishReason = candidate.finishReason;
      this.sawFinish = true;
    }
  }

  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Finds or opens a candidate; opening one sends its role chunk. */
  private candidate(index: number): CandidateState {
    let state = this.candidates[index];
    if (!state) {
      state = { index, toolCalls: 0, finishReason: undefined };
      this.candidates[index] = state;
      this.emit([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    }
    return state;
  }

  private emit(choices: ChunkChoice[], usage?: ChatCompletionChunk['usage']): void {
    const header = (this.header ??= {
      id: `chatcmpl-${this.target.requestId}`,
      created: Math.floor(Date.now() / 1000),
      model: this.target.model,
    });
    const chunk: ChatCompletionChunk = { id: header.id, object: 'chat.completion.chunk', created: header.created, model: header.model, choices };
    if (usage) chunk.usage = usage;
    this.sink.chunk(chunk);
  }

  private fail(error: GatewayError): void {
    this.phase = 'closed';
    this.sink.error(error);
  }
}
