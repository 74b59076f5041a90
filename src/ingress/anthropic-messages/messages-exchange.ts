/**
 * `POST …/v1/messages` as a pipeline exchange. To an Anthropic provider the client's bytes go as
 * they came (the model replaced only when the route maps it); to any other provider the request
 * is translated — once, the first time such a candidate is tried — and so is the answer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Candidate } from '../../core/router.js';
import { nativeFor, type ChatTarget } from '../../providers/types.js';
import type { ClientExchange, Plan } from '../../pipeline/exchange.js';
import { nativeBody } from '../../pipeline/native-body.js';
import { decodeMessagesBody, reasoningEffortFor, type DecodedMessagesRequest } from './decode.js';
import { anthropicMessagesDialect, MessagesAnswerEncoder } from './dialect.js';
import { reasons } from './thinking-target.js';

type Body = Record<string, unknown> & { model: string };

/** The client headers an Anthropic upstream honours. */
export function anthropicHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of ['anthropic-version', 'anthropic-beta'] as const) {
    const value = headers[name];
    if (value === undefined) continue;
    (out ??= {})[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

export class MessagesExchange implements ClientExchange {
  readonly endpoint = 'messages';
  readonly dialect = anthropicMessagesDialect;
  readonly model: string;
  readonly stream: boolean;
  private decoded: DecodedMessagesRequest | undefined;
  private readonly clientHeaders: Record<string, string> | undefined;

  constructor(
    private readonly body: Body,
    readonly raw: Buffer,
    private readonly headers: IncomingHttpHeaders,
  ) {
    this.model = body.model;
    this.stream = body.stream === true;
    this.clientHeaders = anthropicHeaders(headers);
  }

  /** Decoded for translation on first need; a request only ever sent to Anthropic never is. */
  translated(): DecodedMessagesRequest {
    return (this.decoded ??= decodeMessagesBody(this.body, this.raw, this.headers, false));
  }

  plan(candidate: Candidate, requestId: string): Plan {
    const { provider } = candidate.target;
    const native = nativeFor(provider.adapter.native?.messages, provider, candidate.model);
    if (native) {
      const request = native.buildRequest(nativeBody(this.raw, this.body, candidate.model), { provider, model: candidate.model, stream: this.stream, parsed: this.body, clientHeaders: this.clientHeaders });
      return { mode: 'piped', request, stream: this.stream, usage: { family: 'anthropic', stream: this.stream, dropUsageEvent: false } };
    }
    const { request: chat, anthropic } = this.translated();
    const target: ChatTarget = { provider, model: candidate.model, stream: this.stream, includeUsage: this.stream, requestId, modelRewritten: true };
    let request = chat;
    if ((anthropic.thinking !== undefined || anthropic.effort !== undefined) && reasons(provider, candidate.model)) {
      const effort = anthropic.effort ?? (anthropic.thinkingBudget !== undefined ? reasoningEffortFor(anthropic.thinkingBudget) : 'medium');
      request = { ...chat, reasoning_effort: effort === 'xhigh' || effort === 'max' ? 'high' : effort };
    }
    return {
      mode: 'translated',
      request: provider.adapter.chat.buildRequest(request, target),
      target,
      encoder: new MessagesAnswerEncoder({ id: requestId, model: this.model }),
    };
  }
}
