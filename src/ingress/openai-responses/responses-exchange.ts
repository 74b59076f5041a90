/**
 * `POST …/v1/responses` as a pipeline exchange. OpenAI (and Azure) serve the Responses API
 * themselves: the client's bytes go up as they came and the answer is piped — unless the request
 * continues a response this gateway created by translation (`previous_response_id`,
 * `item_reference`), which only the gateway can resolve. Every other provider gets chat,
 * translated once on first need, and its answer as a Response.
 */
import type { Candidate } from '../../core/router.js';
import { nativeFor, type ChatTarget } from '../../providers/types.js';
import type { ClientExchange, Plan } from '../../pipeline/exchange.js';
import { nativeBody } from '../../pipeline/native-body.js';
import { responsesToChat, type DecodedResponsesRequest } from './decode.js';
import { openAIResponsesDialect, ResponsesAnswerEncoder } from './dialect.js';
import { newResponseId } from './ids.js';
import type { ResponseStore } from './response-store.js';

type Body = Record<string, unknown> & { model: string };

/** Whether the request refers to something only this gateway's store holds. */
function refersToStore(body: Body, store: ResponseStore): boolean {
  const previous = body.previous_response_id;
  if (typeof previous === 'string' && store.conversation(previous) !== undefined) return true;
  if (!Array.isArray(body.input)) return false;
  for (const item of body.input as unknown[]) {
    const ref = item as { type?: unknown; id?: unknown };
    if (ref?.type === 'item_reference' && typeof ref.id === 'string' && store.item(ref.id) !== undefined) return true;
  }
  return false;
}

export class ResponsesExchange implements ClientExchange {
  readonly endpoint = 'responses';
  readonly dialect = openAIResponsesDialect;
  readonly model: string;
  readonly stream: boolean;
  private decoded: DecodedResponsesRequest | undefined;
  private readonly ours: boolean;

  constructor(
    private readonly body: Body,
    readonly raw: Buffer,
    private readonly store: ResponseStore,
  ) {
    this.model = body.model;
    this.stream = body.stream === true;
    this.ours = refersToStore(body, store);
  }

  plan(candidate: Candidate, requestId: string): Plan {
    const { provider } = candidate.target;
    const native = this.ours ? undefined : nativeFor(provider.adapter.native?.responses, provider, candidate.model);
    if (native) {
      const request = native.buildRequest(nativeBody(this.raw, this.body, candidate.model), { provider, model: candidate.model, stream: this.stream, parsed: this.body });
      return { mode: 'piped', request, stream: this.stream, usage: { family: 'openai', stream: this.stream, dropUsageEvent: false } };
    }
    this.decoded ??= responsesToChat(this.body, this.raw.length, this.store);
    const target: ChatTarget = { provider, model: candidate.model, stream: this.stream, includeUsage: this.stream, requestId, modelRewritten: true };
    const options = { id: newResponseId(), model: this.model, context: this.decoded.responses };
    return {
      mode: 'translated',
      request: provider.adapter.chat.buildRequest(this.decoded.request, target),
      target,
      encoder: new ResponsesAnswerEncoder(options, this.store),
    };
  }
}
