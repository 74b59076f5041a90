/**
 * ConverseStream (binary event stream) → canonical chunks. A state machine over decoded events:
 *
 *   messageStart        → role chunk
 *   contentBlockStart   → a tool call opens (index counts tool calls from 0, never block indices)
 *   contentBlockDelta   → text, or argument fragments of the open tool call
 *   contentBlockStop    → `"{}"` for a tool call that streamed no input
 *   messageStop         → remember the stop reason (usage has not arrived yet)
 *   metadata            → finish chunk, then the usage chunk (`choices: []`)
 *
 * `metadata` follows `messageStop`; if the stream ends without it, `end()` emits the finish chunk.
 * Exception frames, bad CRCs and a stream cut before `messageStop` go to `sink.error`.
 * Payload padding (`p`) and reasoning deltas are ignored.
 */
import type { ChatCompletionChunk, ChunkChoice, FinishReason, Usage } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { ChatTarget, StreamSink, StreamTranslator } from '../types.js';
import type { StreamEvents } from './bedrock-api-types.js';
import { mapBedrockStreamException } from './bedrock-errors.js';
import { EventStreamDecoder, EventStreamFramingError, type DecodedMessage } from './event-stream-decoder.js';
import { JSON_RESPONSE_TOOL } from './json-response-tool.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';
import { mapBedrockUsage } from './map-bedrock-usage.js';

/** What a content block turned out to be, keyed by Bedrock's contentBlockIndex. */
type OpenBlock = { kind: 'tool'; toolIndex: number; sawInput: boolean } | { kind: 'json' };

type State = 'streaming' | 'stopped' | 'done';

function headerString(message: DecodedMessage, name: string): string | undefined {
  const header = message.headers[name];
  return header && header.type === 'string' ? header.value : undefined;
}

export class BedrockStreamTranslator implements StreamTranslator {
  private readonly decoder = new EventStreamDecoder();
  private readonly id: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly provider: string;
  private readonly blocks = new Map<number, OpenBlock>();
  private state: State = 'streaming';
  private sentRole = false;
  private toolCount = 0;
  private jsonResponse = false;
  private stopReason: string | undefined;
  private usage: Usage | undefined;
  private readonly onMessage = (message: DecodedMessage): void => this.onFrame(message);

  constructor(
    private readonly target: ChatTarget,
    private readonly sink: StreamSink,
  ) {
    this.id = `chatcmpl-${target.requestId}`;
    this.provider = target.provider.name;
  }

  write(bytes: Buffer): void {
    if (this.state === 'done') return;
    try {
      this.decoder.push(bytes, this.onMessage);
    } catch (err) {
      if (!(err instanceof EventStreamFramingError)) throw err;
      this.fail(502, `corrupt event stream (${err.message})`);
    }
  }

  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'stopped') {
      // messageStop arrived but metadata never did: finish (without usage, unless it came early).
      this.finish();
      return;
    }
    this.fail(502, 'stream ended early');
  }

  private onFrame(message: DecodedMessage): void {
    if (this.state === 'done') return;
    const messageType = headerString(message, ':message-type');
    const payload = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength).toString('utf8');
    if (messageType === 'exception') {
      this.state = 'done';
      this.sink.error(mapBedrockStreamException(headerString(message, ':exception-type'), payload, this.provider));
      return;
    }
    if (messageType === 'error') {
      const code = headerString(message, ':error-code') ?? 'error';
      this.fail(502, `${code}: ${headerString(message, ':error-message') ?? 'stream error'}`);
      return;
    }
    if (messageType !== 'event') return;
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      this.fail(502, 'malformed stream event');
      return;
    }
    this.onEvent(headerString(message, ':event-type'), event);
  }

  private onEvent(type: string | undefined, event: unknown): void {
    switch (type) {
      case 'messageStart':
        this.ensureRole();
        return;
      case 'contentBlockStart':
        this.onBlockStart(event as StreamEvents['contentBlockStart']);
        return;
      case 'contentBlockDelta':
        this.onBlockDelta(event as StreamEvents['contentBlockDelta']);
        return;
      case 'contentBlockStop':
        this.onBlockStop(event as StreamEvents['contentBlockStop']);
        return;
      case 'messageStop':
        this.ensureRole();
        this.stopReason = (event as StreamEvents['messageStop']).stopReason;
        this.state = 'stopped';
        return;
      case 'metadata': {
        const { usage } = event as StreamEvents['metadata'];
        if (usage) this.usage = mapBedrockUsage(usage);
        if (this.state === 'stopped') this.finish();
        return;
      }
      default:
        return; // New event types are ignored until they mean something here.
    }
  }

  private onBlockStart(event: StreamEvents['contentBlockStart']): void {
    const toolUse = event.start?.toolUse;
    if (!toolUse) return;
    this.ensureRole();
    if (toolUse.name === JSON_RESPONSE_TOOL) {
      this.jsonResponse = true;
      this.blocks.set(event.contentBlockIndex, { kind: 'json' });
      return;
    }
    const toolIndex = this.toolCount++;
    this.blocks.set(event.contentBlockIndex, { kind: 'tool', toolIndex, sawInput: false });
    this.emit({
      index: 0,
      delta: {
        tool_calls: [{ index: toolIndex, id: toolUse.toolUseId, type: 'function', function: { name: toolUse.name, arguments: '' } }],
      },
      finish_reason: null,
    });
  }

  private onBlockDelta(event: StreamEvents['contentBlockDelta']): void {
    const delta = event.delta;
    if (!delta) return;
    if (typeof delta.text === 'string') {
      if (delta.text) this.content(delta.text);
      return;
    }
    const input = delta.toolUse?.input;
    if (typeof input !== 'string' || input === '') return;
    const block = this.blocks.get(event.contentBlockIndex);
    if (!block) return;
    if (block.kind === 'json') {
      this.content(input);
      return;
    }
    block.sawInput = true;
    this.emit({ index: 0, delta: { tool_calls: [{ index: block.toolIndex, function: { arguments: input } }] }, finish_reason: null });
  }

  private onBlockStop(event: StreamEvents['contentBlockStop']): void {
    const block = this.blocks.get(event.contentBlockIndex);
    if (!block) return;
    this.blocks.delete(event.contentBlockIndex);
    if (block.kind === 'tool' && !block.sawInput) {
      // A call without arguments still needs valid JSON arguments.
      this.emit({ index: 0, delta: { tool_calls: [{ index: block.toolIndex, function: { arguments: '{}' } }] }, finish_reason: null });
    }
  }

  private content(text: string): void {
    this.ensureRole();
    this.emit({ index: 0, delta: { content: text }, finish_reason: null });
  }

  private ensureRole(): void {
    if (this.sentRole) return;
    this.sentRole = true;
    this.emit({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null });
  }

  private finish(): void {
    this.state = 'done';
    const reason: FinishReason = mapBedrockFinishReason(this.stopReason, this.jsonResponse);
    this.emit({ index: 0, delta: {}, finish_reason: reason });
    if (this.usage) this.sink.chunk(this.chunk([], this.usage));
  }

  private fail(status: number, message: string): void {
    this.state = 'done';
    this.sink.error(new GatewayError({ status, message: `${this.provider}: ${message}`, provider: this.provider }));
  }

  private emit(choice: ChunkChoice): void {
    this.sink.chunk(this.chunk([choice]));
  }

  private chunk(choices: ChunkChoice[], usage?: Usage): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.target.model, choices };
    if (usage) chunk.usage = usage;
    return chunk;
  }
}
