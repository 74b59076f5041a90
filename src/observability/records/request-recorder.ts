/**
 * Turns the pipeline's events into one RequestRecord per request and hands it to the record
 * sinks (audit log, metrics, alerts) when the response is over. Subscribed to the bus only when
 * some sink exists; each event costs a map lookup and a few field writes, and no sink is waited
 * for (each queues what it is given).
 */
import type { PipelineEvent, RequestReceived } from '../../core/pipeline-events.js';
import type { AttemptRecord, Dialect, PriceBook, RecordSink, RequestRecord } from './request-record.js';
import { tokenUsage } from './token-usage.js';
import type { Usage } from '../../core/chat-types.js';

interface Draft {
  request: RequestReceived;
  attempts: AttemptRecord[];
  usage?: Usage;
  usageModel?: string;
  incomplete: boolean;
  inputKnown: boolean;
  firstByteMs: number | null;
  responseBody?: string;
}

/** Requests in flight are bounded by the server; this only guards against a lost `done`. */
const MAX_DRAFTS = 100_000;

export class RequestRecorder {
  private readonly drafts = new Map<string, Draft>();

  constructor(
    private readonly sinks: readonly RecordSink[],
    private readonly prices?: PriceBook,
  ) {}

  readonly observe = (event: PipelineEvent): void => {
    switch (event.type) {
      case 'request':
        if (this.drafts.size >= MAX_DRAFTS) return;
        this.drafts.set(event.requestId, { request: event, attempts: [], incomplete: false, inputKnown: true, firstByteMs: null });
        return;
      case 'attempt_start': {
        const draft = this.drafts.get(event.requestId);
        draft?.attempts.push({
          attempt: event.attempt,
          provider: event.provider,
          provider_key: event.credential,
          model: event.model,
          status: null,
          ok: false,
          error_code: null,
          error: null,
          upstream_ms: 0,
        });
        return;
      }
      case 'attempt_end': {
        const attempt = this.drafts.get(event.requestId)?.attempts.at(-1);
        if (!attempt || attempt.attempt !== event.attempt) return;
        attempt.ok = event.ok;
        attempt.upstream_ms = round(event.upstreamMs);
        // The provider's own status; null when it was never reached.
        attempt.status = event.upstreamStatus ?? null;
        if (event.error) {
          attempt.error_code = event.error.code ?? event.error.type;
          attempt.error = event.error.reason ?? event.error.message.slice(0, 300);
        }
        return;
      }
      case 'response_body': {
        const draft = this.drafts.get(event.requestId);
        if (draft) draft.responseBody = event.body;
        return;
      }
      case 'first_byte': {
        const draft = this.drafts.get(event.requestId);
        if (draft && draft.firstByteMs === null) draft.firstByteMs = round(event.ms);
        return;
      }
      case 'usage': {
        const draft = this.drafts.get(event.requestId);
        if (!draft) return;
        draft.usage = event.usage;
        draft.usageModel = event.model;
        draft.incomplete = event.incomplete === true;
        draft.inputKnown = event.inputKnown !== false;
        return;
      }
      case 'done': {
        const draft = this.drafts.get(event.requestId);
        if (!draft) return;
        this.drafts.delete(event.requestId);
        const record = this.finish(draft, event);
        for (const sink of this.sinks) {
          try {
            sink.write(record);
          } catch {
            // One sink's fault must not keep the record from the others.
          }
        }
        return;
      }
      default:
        return;
    }
  };

  private finish(draft: Draft, done: Extract<PipelineEvent, { type: 'done' }>): RequestRecord {
    const { request, attempts, usage } = draft;
    const bodies = request.body === undefined ? undefined : { request_body: request.body, response_body: draft.responseBody ?? '' };
    const last = attempts.at(-1);
    const served = attempts.find((a) => a.ok) ?? last;
    const tokens = usage ? tokenUsage(usage) : undefined;
    const model = draft.usageModel || served?.model || null;
    // Without the input count a price would be too low: it is left unknown.
    const priced = tokens && served && model && draft.inputKnown ? (this.prices?.price(served.provider, model, tokens) ?? UNPRICED) : UNPRICED;
    const input = draft.inputKnown ? tokens : undefined;
    const upstreamWait = attempts.reduce((sum, a) => sum + a.upstream_ms, 0);
    return {
      time: new Date(request.time).toISOString(),
      request_id: request.requestId,
      gateway_key: null,
      router: request.route,
      endpoint: request.endpoint,
      dialect: request.dialect as Dialect,
      stream: request.stream,
      model_requested: request.model,
      provider: served?.provider ?? done.provider ?? null,
      model,
      provider_key: served?.provider_key ?? null,
      status: done.status,
      outcome: done.outcome,
      error_code: done.status >= 400 ? done.errorCode : null,
      input_tokens: input?.input_tokens ?? null,
      output_tokens: tokens?.output_tokens ?? null,
      cached_tokens: input?.cached_tokens ?? null,
      cache_write_tokens: input?.cache_write_tokens ?? null,
      reasoning_tokens: tokens?.reasoning_tokens ?? null,
      incomplete: draft.incomplete || done.outcome === 'interrupted',
      cost_usd: priced.cost_usd,
      price_source: priced.price_source,
      latency_ms: round(done.ms),
      first_byte_ms: draft.firstByteMs,
      overhead_ms: draft.firstByteMs === null ? null : round(Math.max(0, draft.firstByteMs - upstreamWait)),
      attempts,
      cache: null,
      ...bodies,
    };
  }
}

const UNPRICED = { cost_usd: null, price_source: null } as const;

const round = (ms: number): number => Math.round(ms * 100) / 100;
