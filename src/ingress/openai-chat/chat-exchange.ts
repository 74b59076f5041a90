/** `POST …/chat/completions` as a pipeline exchange: piped to OpenAI dialects, translated elsewhere. */
import type { ChatRequest } from '../../core/chat-types.js';
import type { Candidate } from '../../core/router.js';
import type { ChatTarget } from '../../providers/types.js';
import type { ClientExchange, Plan } from '../../pipeline/exchange.js';
import { ChatAnswerEncoder, openAIChatDialect } from './dialect.js';

export class ChatExchange implements ClientExchange {
  readonly endpoint = 'chat';
  readonly dialect = openAIChatDialect;
  readonly model: string;
  readonly stream: boolean;
  private readonly includeUsage: boolean;

  constructor(
    private readonly request: ChatRequest,
    readonly raw: Buffer,
    /** Someone records usage (audit, metrics): piped streams are asked for it. */
    private readonly recordsUsage = false,
  ) {
    this.model = request.model;
    this.stream = request.stream === true;
    this.includeUsage = this.stream && request.stream_options?.include_usage === true;
  }

  plan(candidate: Candidate, requestId: string): Plan {
    const { provider } = candidate.target;
    const { pipesChat } = provider.adapter;
    // A piped stream carries usage only when asked for it: the gateway asks, and cuts the
    // usage event out again for a client that did not.
    const askUsage = this.recordsUsage && pipesChat && this.stream && !this.includeUsage;
    const target: ChatTarget = {
      provider,
      model: candidate.model,
      stream: this.stream,
      includeUsage: this.includeUsage,
      requestId,
      rawBody: askUsage ? this.bytesAskingUsage() : this.raw,
      modelRewritten: candidate.model !== this.request.model,
    };
    const request = provider.adapter.chat.buildRequest(askUsage ? (this.requestWithUsage ??= { ...this.request, stream_options: { include_usage: true } }) : this.request, target);
    if (pipesChat) return { mode: 'piped', request, stream: this.stream, usage: { family: 'openai', stream: this.stream, dropUsageEvent: askUsage } };
    return { mode: 'translated', request, target, encoder: new ChatAnswerEncoder(this.includeUsage) };
  }

  private rawWithUsage: Buffer | undefined;
  private requestWithUsage: ChatRequest | undefined;

  /** Undefined when the client set `stream_options` itself: the request is then re-serialised. */
  private bytesAskingUsage(): Buffer | undefined {
    if (this.request.stream_options != null) return undefined;
    return (this.rawWithUsage ??= withUsageRequested(this.raw));
  }
}

const USAGE_OPTION = Buffer.from('{"stream_options":{"include_usage":true},');

/**
 * The client's bytes with `stream_options.include_usage` added as the object's first member —
 * no re-serialisation. The decoder has checked the body is a JSON object with fields, and the
 * caller that the client set no `stream_options` that asks otherwise.
 */
export function withUsageRequested(raw: Buffer): Buffer {
  let i = 0;
  while (i < raw.length && raw[i] !== 0x7b) i++;
  return Buffer.concat([USAGE_OPTION, raw.subarray(i + 1)]);
}
