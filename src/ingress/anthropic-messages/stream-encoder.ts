/**
 * Canonical chunks → Anthropic's Messages event stream, in the exact sequence Anthropic sends:
 * `message_start`, `ping`, then per content block `content_block_start` / `content_block_delta`…
 * / `content_block_stop`, then `message_delta` (stop reason, usage) and `message_stop`.
 *
 * Blocks are numbered from 0 in the order they open. A new block opens whenever the kind of
 * output changes (thinking → text → tool call) and for each new tool call; the open block is
 * closed before the next one starts, as Anthropic's clients (Claude Code) expect.
 */
import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';
import { toMessagesUsage } from './convert-usage.js';
import { messagesErrorBody } from './error-response.js';
import { withPrefix } from './message-id.js';
import { toStopReason } from './stop-reason.js';

export interface MessagesStreamOptions {
  id: string;
  /** The model as the client asked for it. */
  model: string;
  created?: number;
  /** Input tokens, when known before the answer (an estimate or a provider's count); else 0. */
  inputTokens?: number;
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; toolIndex: number } | undefined;

const event = (name: string, data: string): string => `event: ${name}\ndata: ${data}\n\n`;

export class MessagesStreamEncoder {
  private started = false;
  private ended = false;
  private nextBlock = 0;
  private open: OpenBlock;
  private openIndex = -1;
  /** Canonical tool-call index → Anthropic block index. */
  private readonly toolBlocks = new Map<number, number>();
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;

  constructor(private readonly opts: MessagesStreamOptions) {}

  chunk(c: ChatCompletionChunk): string {
    if (this.ended) return '';
    let out = this.start();
    if (c.usage) this.usage = c.usage;
    const choice = c.choices[0];
    if (!choice) return out;
    const { delta } = choice;
    if (delta.reasoning_content) out += this.thinking(delta.reasoning_content);
    if (delta.content) out += this.text(delta.content);
    if (delta.tool_calls) for (const call of delta.tool_calls) out += this.toolCall(call);
    if (choice.finish_reason) {
      this.finish = choice.finish_reason;
      out += this.closeBlock();
    }
    return out;
  }

  end(): string {
    if (this.ended) return '';
    const out = this.start() + this.closeBlock();
    this.ended = true;
    const usage = toMessagesUsage(this.usage);
    if (!this.usage) usage.input_tokens = this.opts.inputTokens ?? 0;
    const delta = { type: 'message_delta', delta: { stop_reason: toStopReason(this.finish), stop_sequence: null }, usage };
    return out + event('message_delta', JSON.stringify(delta)) + event('message_stop', '{"type":"message_stop"}');
  }

  /** An error after the 200 went out. The leading blank line ends any half-written event. */
  error(e: GatewayError): string {
    this.ended = true;
    return `\n\n${event('error', JSON.stringify(messagesErrorBody(e)))}`;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: withPrefix('msg_', this.opts.id),
      type: 'message',
      role: 'assistant',
      model: this.opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: this.opts.inputTokens ?? 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
    };
    return event('message_start', JSON.stringify({ type: 'message_start', message })) + event('ping', '{"type":"ping"}');
  }

  private text(text: string): string {
    const open = this.open?.kind === 'text' ? '' : this.openBlock({ kind: 'text' }, '{"type":"text","text":""}');
    return open + this.delta(this.openIndex, `{"type":"text_delta","text":${JSON.stringify(text)}}`);
  }

  private thinking(text: string): string {
    const open = this.open?.kind === 'thinking' ? '' : this.openBlock({ kind: 'thinking' }, '{"type":"thinking","thinking":"","signature":""}');
    return open + this.delta(this.openIndex, `{"type":"thinking_delta","thinking":${JSON.stringify(text)}}`);
  }

  private toolCall(call: ToolCallDelta): string {
    let out = '';
    let index = this.toolBlocks.get(call.index);
    if (index === undefined) {
      const block = JSON.stringify({ type: 'tool_use', id: call.id || withPrefix('toolu_', undefined), name: call.function?.name ?? '', input: {} });
      out += this.openBlock({ kind: 'tool', toolIndex: call.index }, block);
      index = this.openIndex;
      this.toolBlocks.set(call.index, index);
    }
    // Arguments of a call whose block was closed (interleaved parallel calls) keep its index.
    const args = call.function?.arguments;
    if (args) out += this.delta(index, `{"type":"input_json_delta","partial_json":${JSON.stringify(args)}}`);
    return out;
  }

  private openBlock(kind: NonNullable<OpenBlock>, block: string): string {
    const close = this.closeBlock();
    this.open = kind;
    this.openIndex = this.nextBlock++;
    return close + event('content_block_start', `{"type":"content_block_start","index":${this.openIndex},"content_block":${block}}`);
  }

  private closeBlock(): string {
    if (this.open === undefined) return '';
    this.open = undefined;
    return event('content_block_stop', `{"type":"content_block_stop","index":${this.openIndex}}`);
  }

  private delta(index: number, delta: string): string {
    return event('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":${delta}}`);
  }
}
