/**
 * `POST …/v1/messages/count_tokens` as a pipeline exchange: forwarded to Anthropic where the
 * route leads there (its count is exact); for any other provider, an estimate from a tokenizer —
 * the gateway's own answer, which says nothing about that provider's health.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Candidate } from '../../core/router.js';
import { nativeFor } from '../../providers/types.js';
import type { ClientExchange, Plan } from '../../pipeline/exchange.js';
import { countTokensEstimate } from './count-tokens.js';
import { decodeMessagesBody, type DecodedMessagesRequest } from './decode.js';
import { anthropicMessagesDialect } from './dialect.js';
import { nativeBody } from '../../pipeline/native-body.js';
import { anthropicHeaders } from './messages-exchange.js';

type Body = Record<string, unknown> & { model: string };

export class CountTokensExchange implements ClientExchange {
  readonly endpoint = 'count_tokens';
  readonly dialect = anthropicMessagesDialect;
  readonly stream = false;
  readonly model: string;
  private decoded: DecodedMessagesRequest | undefined;

  constructor(
    private readonly body: Body,
    readonly raw: Buffer,
    private readonly headers: IncomingHttpHeaders,
  ) {
    this.model = body.model;
  }

  async plan(candidate: Candidate): Promise<Plan> {
    const { provider } = candidate.target;
    const native = nativeFor(provider.adapter.native?.countTokens, provider, candidate.model);
    if (native) {
      const clientHeaders = anthropicHeaders(this.headers);
      const request = native.buildRequest(nativeBody(this.raw, this.body, candidate.model), { provider, model: candidate.model, stream: false, parsed: this.body, clientHeaders });
      return { mode: 'piped', request, stream: false };
    }
    this.decoded ??= decodeMessagesBody(this.body, this.raw, this.headers, true);
    return { mode: 'local', body: await countTokensEstimate(this.decoded.request) };
  }
}
