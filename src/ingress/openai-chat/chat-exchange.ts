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
    private readonly raw: Buffer,
  ) {
    this.model = request.model;
    this.stream = request.stream === true;
    this.includeUsage = this.stream && request.stream_options?.include_usage === true;
  }

  plan(candidate: Candidate, requestId: string): Plan {
    const { provider } = candidate.target;
    const target: ChatTarget = {
      provider,
      model: candidate.model,
      stream: this.stream,
      includeUsage: this.includeUsage,
      requestId,
      rawBody: this.raw,
      modelRewritten: candidate.model !== this.request.model,
    };
    const request = provider.adapter.chat.buildRequest(this.request, target);
    if (provider.adapter.pipesChat) return { mode: 'piped', request, stream: this.stream };
    return { mode: 'translated', request, target, encoder: new ChatAnswerEncoder(this.includeUsage) };
  }
}
