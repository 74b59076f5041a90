/**
 * Mistral's SSE is OpenAI-like, with three differences the client must not see:
 * - tool calls arrive whole in one chunk with no `index` and no `type`;
 * - the tool call (or last text) and `finish_reason` share one chunk;
 * - `usage` rides on that finish chunk; there is no separate usage chunk.
 *
 * OpenAIStreamRelay does the SSE framing, `[DONE]` and `{"error":…}` events; this sink rewrites
 * each parsed chunk: adds tool-call indexes (counting calls from 0 per choice) and
 * `type: "function"`, splits content from `finish_reason` so the finish chunk has an empty delta,
 * strips usage from it, and emits one usage-only chunk (`choices: []`) when the body ends.
 */
import type { ChatCompletionChunk, ChunkChoice, ToolCallDelta, Usage } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import { OpenAIStreamRelay } from '../openai-compatible/stream.js';
import type { ChatTarget, StreamSink, StreamTranslator } from '../types.js';
import { mistralContentToText, normalizeMistralUsage } from './mistral-content.js';
import { mapMistralFinishReason } from './map-mistral-finish-reason.js';

interface MistralToolCallDelta {
  id?: string;
  index?: number;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface MistralChoice {
  index?: number;
  delta?: { role?: 'assistant'; content?: unknown; tool_calls?: MistralToolCallDelta[] };
  finish_reason?: unknown;
}

interface MistralChunk {
  id: string;
  object?: string;
  created: number;
  model: string;
  choices?: MistralChoice[];
  usage?: unknown;
  message?: unknown;
}

class MistralChunkFixer implements StreamSink {
  /** Tool calls seen so far, per choice index. */
  private readonly toolCalls: number[] = [];
  private usage: Usage | undefined;
  private id = '';
  private created = 0;
  private model = '';
  private failed = false;

  constructor(
    private readonly target: ChatTarget,
    private readonly sink: StreamSink,
  ) {}

  chunk(raw: ChatCompletionChunk): void {
    if (this.failed) return;
    const chunk = raw as unknown as MistralChunk;
    if (chunk.object === 'error') {
      const message = typeof chunk.message === 'string' ? chunk.message : 'stream error';
      this.error(new GatewayError({ status: 502, message: `${this.target.provider.name}: ${message}`, provider: this.target.provider.name }));
      return;
    }
    this.id = chunk.id;
    this.created = chunk.created;
    this.model = chunk.model;
    const usage = normalizeMistralUsage(chunk.usage);
    if (usage) this.usage = usage;
    const choices = chunk.choices;
    if (!choices) return;
    for (const choice of choices) this.emitChoice(choice);
  }

  error(error: GatewayError): void {
    if (this.failed) return;
    this.failed = true;
    this.sink.error(error);
  }

  /** The body ended: the usage chunk goes last, after every finish chunk. */
  flush(): void {
    if (this.failed || !this.usage) return;
    this.sink.chunk({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: this.usage });
    this.usage = undefined;
  }

  private emitChoice(choice: MistralChoice): void {
    const index = choice.index ?? 0;
    const delta: ChunkChoice['delta'] = {};
    let hasDelta = false;
    const raw = choice.delta;
    if (raw) {
      if (raw.role) {
        delta.role = raw.role;
        hasDelta = true;
      }
      const content = mistralContentToText(raw.content);
      if (typeof content === 'string' && (content !== '' || raw.role)) {
        delta.content = content;
        hasDelta = true;
      }
      if (raw.tool_calls && raw.tool_calls.length > 0) {
        delta.tool_calls = raw.tool_calls.map((call) => this.fixToolCall(index, call));
        hasDelta = true;
      }
    }
    const finish = mapMistralFinishReason(choice.finish_reason);
    if (hasDelta) this.emit(index, delta, null);
    if (finish !== null) this.emit(index, {}, finish);
  }

  private fixToolCall(choice: number, call: MistralToolCallDelta): ToolCallDelta {
    const seen = this.toolCalls[choice] ?? 0;
    let index: number;
    if (typeof call.index === 'number') {
      // Incrementally streamed calls carry their own index; keep it and count past it.
      index = call.index;
      if (index >= seen) this.toolCalls[choice] = index + 1;
    } else {
      index = seen;
      this.toolCalls[choice] = seen + 1;
    }
    const out: ToolCallDelta = { index };
    const fn = call.function;
    if (call.id !== undefined) {
      out.id = call.id;
      out.type = 'function';
      out.function = { name: fn?.name ?? '', arguments: fn?.arguments ?? '' };
    } else if (fn) {
      // Continuation fragments carry only arguments (Mistral repeats `name: ""`).
      out.function = fn.name ? { name: fn.name, arguments: fn.arguments ?? '' } : { arguments: fn.arguments ?? '' };
    }
    return out;
  }

  private emit(index: number, delta: ChunkChoice['delta'], finish: ChunkChoice['finish_reason']): void {
    this.sink.chunk({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    });
  }
}

export class MistralStreamTranslator implements StreamTranslator {
  private readonly fixer: MistralChunkFixer;
  private readonly relay: OpenAIStreamRelay;
  /** Bytes of a UTF-8 character cut by a network read, held until the rest arrives. */
  private carry: Buffer | undefined;

  constructor(target: ChatTarget, sink: StreamSink) {
    this.fixer = new MistralChunkFixer(target, sink);
    this.relay = new OpenAIStreamRelay(target, this.fixer);
  }

  write(bytes: Buffer): void {
    // The relay decodes each write on its own, so only whole characters are handed to it.
    const buf = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    const cut = completeUtf8Length(buf);
    this.carry = cut < buf.length ? buf.subarray(cut) : undefined;
    if (cut > 0) this.relay.write(cut < buf.length ? buf.subarray(0, cut) : buf);
  }

  end(): void {
    if (this.carry) this.relay.write(this.carry);
    this.carry = undefined;
    this.relay.end();
    this.fixer.flush();
  }
}

/** Length of the longest prefix of `buf` that does not end inside a UTF-8 sequence. */
export function completeUtf8Length(buf: Buffer): number {
  const len = buf.length;
  // A sequence is at most 4 bytes: look back for its lead byte.
  for (let back = 1; back <= 3 && back <= len; back++) {
    const byte = buf[len - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? len - back : len;
  }
  return len;
}
