/**
 * Canonical chunks → the Responses API's typed event stream. Each event is
 * `event: TYPE\ndata: {"type":TYPE,"sequence_number":n,…}\n\n`, numbered from 0.
 *
 * Items open as their first delta arrives: reasoning (as a summary, the form the SDKs show),
 * then the message text, then one function_call item per tool call. Text and reasoning close
 * when another item starts; tool calls stay open until the finish, since chat streams may
 * interleave the arguments of parallel calls. The closing lifecycle event carries the whole
 * Response, usage included, so the usage chunk after the finish is awaited until `end()`.
 */
import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '../../core/chat-types.js';
import type { GatewayError } from '../../core/gateway-error.js';
import { itemId } from './ids.js';
import { buildResponse, incompleteReason, nowSeconds, responsesUsage, type ResponseOptions } from './response-object.js';
import type { FunctionCallOutputItem, MessageOutputItem, OutputItem, ReasoningOutputItem, ResponseObject } from './types.js';

interface OpenText {
  kind: 'message' | 'reasoning';
  index: number;
  id: string;
  text: string;
}

interface OpenCall {
  index: number;
  item: FunctionCallOutputItem;
}

export class ResponsesStreamEncoder {
  private seq = 0;
  private started = false;
  private finished = false;
  private readonly created: number;
  private readonly output: OutputItem[] = [];
  private text: OpenText | undefined;
  /** Canonical tool-call index → its open output item. */
  private readonly calls = new Map<number, OpenCall>();
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;
  private final: ResponseObject | undefined;

  constructor(private readonly opts: ResponseOptions) {
    this.created = opts.created ?? nowSeconds();
  }

  chunk(c: ChatCompletionChunk): string {
    if (this.finished) return '';
    let out = this.start();
    if (c.usage) this.usage = c.usage;
    const choice = c.choices[0];
    if (choice === undefined) return out;
    const delta = choice.delta as ChatCompletionChunk['choices'][number]['delta'] & { reasoning_content?: string | null };
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') out += this.textDelta('reasoning', delta.reasoning_content);
    if (typeof delta.content === 'string' && delta.content !== '') out += this.textDelta('message', delta.content);
    if (delta.tool_calls) for (const call of delta.tool_calls) out += this.callDelta(call);
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  /** Closes every open item and sends the terminal event (`response.completed` or `.incomplete`). */
  end(): string {
    if (this.finished) return '';
    let out = this.start() + this.closeText() + this.closeCalls();
    this.finished = true;
    const incomplete = incompleteReason(this.finish);
    const status = incomplete === null ? 'completed' : 'incomplete';
    this.final = buildResponse(this.opts, this.created, status, this.output, responsesUsage(this.usage), incomplete);
    out += this.event(`response.${status}`, { response: this.final });
    return out;
  }

  /**
   * A failure after the 200 went out: `response.failed` with the Response so far (the SDKs'
   * snapshot), then OpenAI's `error` event, which the openai SDK raises — so it comes last.
   */
  error(e: GatewayError): string {
    if (this.finished) return '';
    let out = this.start();
    this.finished = true;
    const code = e.code ?? e.type;
    this.final = buildResponse(this.opts, this.created, 'failed', this.output, responsesUsage(this.usage), null, { code, message: e.message });
    out += this.event('response.failed', { response: this.final });
    out += this.event('error', { code, message: e.message, param: e.param });
    return out;
  }

  /** The Response as the terminal event sent it (for the store), once the stream has ended. */
  response(): ResponseObject | undefined {
    return this.final;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = buildResponse(this.opts, this.created, 'in_progress', [], null);
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  private textDelta(kind: 'message' | 'reasoning', delta: string): string {
    let out = '';
    let open = this.text;
    if (open?.kind !== kind) {
      out += this.closeText();
      open = this.openText(kind);
      out += open.kind === 'message' ? this.openedMessage(open) : this.openedReasoning(open);
    }
    open.text += delta;
    const where = `"item_id":"${open.id}","output_index":${open.index}`;
    if (kind === 'message') return out + this.raw('response.output_text.delta', `${where},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]`);
    return out + this.raw('response.reasoning_summary_text.delta', `${where},"summary_index":0,"delta":${JSON.stringify(delta)}`);
  }

  private openText(kind: 'message' | 'reasoning'): OpenText {
    const index = this.output.length;
    const open: OpenText = { kind, index, id: itemId(kind === 'message' ? 'msg' : 'rs', this.opts.id, index), text: '' };
    // A placeholder keeps output indices in order; the finished item replaces it on close.
    this.output.push(kind === 'message' ? this.messageItem(open, 'in_progress') : this.reasoningItem(open));
    this.text = open;
    return open;
  }

  private openedMessage(open: OpenText): string {
    const item: MessageOutputItem = { type: 'message', id: open.id, status: 'in_progress', role: 'assistant', content: [] };
    return this.event('response.output_item.added', { output_index: open.index, item })
      + this.event('response.content_part.added', { item_id: open.id, output_index: open.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
  }

  private openedReasoning(open: OpenText): string {
    const item: ReasoningOutputItem = { type: 'reasoning', id: open.id, summary: [] };
    return this.event('response.output_item.added', { output_index: open.index, item })
      + this.event('response.reasoning_summary_part.added', { item_id: open.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' } });
  }

  private closeText(): string {
    const open = this.text;
    if (open === undefined) return '';
    this.text = undefined;
    const at = { item_id: open.id, output_index: open.index };
    if (open.kind === 'reasoning') {
      const item = this.reasoningItem(open);
      this.output[open.index] = item;
      return this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: open.text })
        + this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: item.summary[0] })
        + this.event('response.output_item.done', { output_index: open.index, item });
    }
    const item = this.messageItem(open, incompleteReason(this.finish) === null ? 'completed' : 'incomplete');
    this.output[open.index] = item;
    return this.event('response.output_text.done', { ...at, content_index: 0, text: open.text, logprobs: [] })
      + this.event('response.content_part.done', { ...at, content_index: 0, part: item.content[0] })
      + this.event('response.output_item.done', { output_index: open.index, item });
  }

  private messageItem(open: OpenText, status: MessageOutputItem['status']): MessageOutputItem {
    return { type: 'message', id: open.id, status, role: 'assistant', content: [{ type: 'output_text', text: open.text, annotations: [], logprobs: [] }] };
  }

  private reasoningItem(open: OpenText): ReasoningOutputItem {
    return { type: 'reasoning', id: open.id, summary: [{ type: 'summary_text', text: open.text }] };
  }

  private callDelta(delta: ToolCallDelta): string {
    let out = '';
    let open = this.calls.get(delta.index);
    if (open === undefined) {
      out += this.closeText();
      const index = this.output.length;
      const item: FunctionCallOutputItem = { type: 'function_call', id: itemId('fc', this.opts.id, index), call_id: delta.id ?? `call_${index}`, name: delta.function?.name ?? '', arguments: '', status: 'in_progress' };
      open = { index, item };
      this.calls.set(delta.index, open);
      this.output.push(item);
      out += this.event('response.output_item.added', { output_index: index, item: { ...item } });
    } else if (delta.function?.name && open.item.name === '') {
      // Some providers name the call after its first chunk.
      open.item.name = delta.function.name;
    }
    const args = delta.function?.arguments;
    if (args) {
      open.item.arguments += args;
      out += this.raw('response.function_call_arguments.delta', `"item_id":"${open.item.id}","output_index":${open.index},"delta":${JSON.stringify(args)}`);
    }
    return out;
  }

  private closeCalls(): string {
    let out = '';
    const status = incompleteReason(this.finish) === null ? 'completed' : 'incomplete';
    for (const { index, item } of this.calls.values()) {
      item.status = status;
      out += this.event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: item.arguments })
        + this.event('response.output_item.done', { output_index: index, item });
    }
    this.calls.clear();
    return out;
  }

  private event(type: string, fields: Record<string, unknown>): string {
    const rest = JSON.stringify(fields);
    return this.raw(type, rest.length > 2 ? rest.slice(1, -1) : '');
  }

  /** `fields` is the inside of a JSON object (`"a":1,"b":2`), already serialised. */
  private raw(type: string, fields: string): string {
    const n = this.seq++;
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${n}${fields === '' ? '' : `,${fields}`}}\n\n`;
  }
}
