/**
 * Translates an Anthropic Messages SSE stream into OpenAI chat-completion chunks.
 *
 * A state machine over parsed events: `message_start` opens the message (role chunk),
 * content blocks are tracked by their index (text → content deltas, tool_use → tool-call
 * deltas whose `index` counts tool calls from 0, never the block index), `message_delta`
 * carries the stop reason and cumulative usage, and `message_stop` closes with the finish
 * chunk followed by the usage chunk. `error` events and early EOF end the stream with an error.
 */
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { ChatCompletionChunk, ChunkChoice, FinishReason } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ChatTarget, StreamSink, StreamTranslator } from '../types.js';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-api-types.js';
import { mapAnthropicStreamError } from './anthropic-errors.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { JSON_RESPONSE_TOOL_NAME } from './json-response-tool.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { readBlockDelta } from './read-block-delta.js';

type Phase = 'awaiting-message' | 'in-message' | 'finished';

type BlockState =
  | { kind: 'text' }
  | { kind: 'tool'; toolIndex: number; sentArguments: boolean }
  /** The json_object emulation tool: its input is streamed to the client as content. */
  | { kind: 'json-response'; sentContent: boolean }
  /** thinking, redacted_thinking, server tools: nothing to forward. */
  | { kind: 'ignored' };

const IGNORED: BlockState = { kind: 'ignored' };

export class AnthropicStreamTranslator implements StreamTranslator {
  private readonly parser: EventSourceParser;
  private readonly decoder = new StringDecoder('utf8');
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly providerName: string;
  private phase: Phase = 'awaiting-message';
  /** Set by end(): a half-received event then means the stream was cut, not malformed. */
  private ending = false;
  private id: string;
  private model: string;
  private messageId: string | undefined;
  /** Indexed by Anthropic content-block index. */
  private blocks: BlockState[] = [];
  private toolCount = 0;
  private emulatedJson = false;
  private stopReason: string | null | undefined;
  private readonly usage: AnthropicUsage = {};

  constructor(
    target: ChatTarget,
    private readonly sink: StreamSink,
  ) {
    this.providerName = target.provider.name;
    this.id = target.requestId;
    this.model = target.model;
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  write(bytes: Buffer): void {
    if (this.phase === 'finished') return;
    // The decoder keeps a multi-byte character split across writes intact.
    this.parser.feed(this.decoder.write(bytes));
  }

  end(): void {
    if (this.phase === 'finished') return;
    this.ending = true;
    // A last event missing its blank line is complete once its JSON parses; terminate it.
    this.parser.feed(this.decoder.end() + '\n\n');
    // The flush above may have delivered message_stop.
    if ((this.phase as Phase) !== 'finished') this.fail(502, 'stream ended early (no message_stop)');
  }

  private onEvent(message: EventSourceMessage): void {
    if (this.phase === 'finished' || message.event === 'ping') return;
    // Deltas are most of a stream; they are read without parsing the whole event.
    const fast = readBlockDelta(message.data);
    if (fast) {
      if (this.phase === 'in-message') this.onBlockDelta(fast.index, fast.kind, fast.value);
      return;
    }
    let event: AnthropicStreamEvent;
    try {
      event = JSON.parse(message.data) as AnthropicStreamEvent;
    } catch {
      this.fail(502, this.ending ? 'stream ended early (no message_stop)' : 'malformed stream event');
      return;
    }
    if (typeof event !== 'object' || event === null) {
      this.fail(502, 'malformed stream event');
      return;
    }
    switch (event.type) {
      case 'message_start':
        this.onMessageStart(event);
        return;
      case 'content_block_start':
        if (this.phase === 'in-message') this.onBlockStart(event);
        return;
      case 'content_block_delta':
        if (this.phase === 'in-message' && event.delta) {
          const { delta } = event;
          this.onBlockDelta(event.index, delta.type, delta.type === 'text_delta' ? delta.text : delta.partial_json);
        }
        return;
      case 'content_block_stop':
        if (this.phase === 'in-message') this.onBlockStop(event.index);
        return;
      case 'message_delta':
        if (event.delta?.stop_reason != null) this.stopReason = event.delta.stop_reason;
        this.mergeUsage(event.usage);
        return;
      case 'message_stop':
        this.onMessageStop();
        return;
      case 'error':
        this.phase = 'finished';
        this.sink.error(mapAnthropicStreamError(event.error, this.providerName));
        return;
      default:
        // ping and event types added later carry nothing to forward.
        return;
    }
  }

  private onMessageStart(event: Extract<AnthropicStreamEvent, { type: 'message_start' }>): void {
    const msg = event.message ?? {};
    if (this.phase === 'in-message') {
      // A repeated message_start must not restart the message; one for another message
      // (spliced generations) starts fresh block numbering so blocks are not merged.
      if (msg.id !== this.messageId) this.blocks = [];
      return;
    }
    this.phase = 'in-message';
    this.messageId = msg.id;
    if (msg.id) this.id = msg.id;
    if (msg.model) this.model = msg.model;
    this.mergeUsage(msg.usage);
    this.emit({ role: 'assistant', content: '' }, null);
  }

  private onBlockStart(event: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>): void {
    const block = event.content_block;
    if (block?.type === 'text') {
      this.blocks[event.index] = { kind: 'text' };
      if (block.text) this.emit({ content: block.text }, null);
    } else if (block?.type === 'tool_use' && block.name === JSON_RESPONSE_TOOL_NAME) {
      this.emulatedJson = true;
      this.blocks[event.index] = { kind: 'json-response', sentContent: false };
    } else if (block?.type === 'tool_use') {
      const toolIndex = this.toolCount++;
      this.blocks[event.index] = { kind: 'tool', toolIndex, sentArguments: false };
      this.emit(
        { tool_calls: [{ index: toolIndex, id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: '' } }] },
        null,
      );
    } else {
      this.blocks[event.index] = IGNORED;
    }
  }

  /** `kind` is the delta's type; `value` its text (text_delta) or partial_json (input_json_delta). */
  private onBlockDelta(index: number, kind: string, value: string | undefined): void {
    const state = this.blocks[index];
    if (!state || !value) return;
    if (state.kind === 'text') {
      if (kind === 'text_delta') this.emit({ content: value }, null);
      return;
    }
    if (kind !== 'input_json_delta') return;
    if (state.kind === 'tool') {
      state.sentArguments = true;
      this.emit({ tool_calls: [{ index: state.toolIndex, function: { arguments: value } }] }, null);
    } else if (state.kind === 'json-response') {
      state.sentContent = true;
      this.emit({ content: value }, null);
    }
  }

  /** A tool call without streamed input still needs valid JSON arguments: `{}`. */
  private onBlockStop(index: number): void {
    const state = this.blocks[index];
    if (state?.kind === 'tool' && !state.sentArguments) {
      state.sentArguments = true;
      this.emit({ tool_calls: [{ index: state.toolIndex, function: { arguments: '{}' } }] }, null);
    } else if (state?.kind === 'json-response' && !state.sentContent) {
      state.sentContent = true;
      this.emit({ content: '{}' }, null);
    }
  }

  private onMessageStop(): void {
    if (this.phase !== 'in-message') {
      this.fail(502, 'message_stop before message_start');
      return;
    }
    this.phase = 'finished';
    this.emit({}, mapAnthropicFinishReason(this.stopReason, this.emulatedJson));
    this.sink.chunk({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage: convertAnthropicUsage(this.usage),
    });
  }

  /** Usage counters are cumulative; later events (message_delta) override earlier ones. */
  private mergeUsage(update: AnthropicUsage | undefined): void {
    if (!update) return;
    if (typeof update.input_tokens === 'number') this.usage.input_tokens = update.input_tokens;
    if (typeof update.output_tokens === 'number') this.usage.output_tokens = update.output_tokens;
    if (typeof update.cache_creation_input_tokens === 'number') this.usage.cache_creation_input_tokens = update.cache_creation_input_tokens;
    if (typeof update.cache_read_input_tokens === 'number') this.usage.cache_read_input_tokens = update.cache_read_input_tokens;
  }

  private emit(delta: ChunkChoice['delta'], finishReason: FinishReason | null): void {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
    this.sink.chunk(chunk);
  }

  private fail(status: number, message: string): void {
    this.phase = 'finished';
    this.sink.error(new GatewayError({ status, message: `${this.providerName}: ${message}`, provider: this.providerName }));
  }
}
