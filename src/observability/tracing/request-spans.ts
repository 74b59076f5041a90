/**
 * Spans from the pipeline's events, live: `request` opens the request's SERVER span (its parent
 * the client's `traceparent`, when trusted), `attempt_start` a CLIENT span per attempt under it,
 * `attempt_end` ends that one, `usage` and `first_byte` add to both, `done` ends the request's.
 * Each event costs a map lookup and a few attribute writes: ended spans go to the SDK's batch
 * processor, which exports them later, off the request path.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { AttemptEnded, AttemptStarted, FirstByte, PipelineEvent, RequestDone, RequestReceived, UsageReported } from '../../core/pipeline-events.js';
import { tokenUsage } from '../records/token-usage.js';
import { ERROR_TYPE, GATEWAY, GEN_AI, HTTP_RESPONSE_STATUS_CODE, SERVER_ADDRESS, SERVER_PORT, operationName, providerName, spanName } from './semconv.js';

interface AttemptSpan {
  span: Span;
  /** performance.now() when it started: time to first chunk is measured from here. */
  startedAt: number;
}

interface RequestTrace {
  root: Span;
  operation: string;
  stream: boolean;
  /** Attempts started and not yet ended, by number. */
  attempts: Map<number, AttemptSpan>;
  /** The attempt usage and first byte belong to (the one started last). */
  current: AttemptSpan | undefined;
}

export interface RequestSpansOptions {
  /** Take the client's `traceparent` as the parent (telemetry.propagate). */
  trustClientParent: boolean;
  /** A provider's base URL, for `server.address` and `server.port`. */
  upstreamOf(provider: string): URL | undefined;
  /** Requests traced at once (default 50,000); past it a request gets no spans. */
  maxOpen?: number;
}

/** Requests in flight are bounded by the server; this only guards against a lost `done`. */
const MAX_OPEN = 50_000;
const MESSAGE_CHARS = 200;

export class RequestSpans {
  private readonly traces = new Map<string, RequestTrace>();
  /** Requests not traced because too many were open. */
  skipped = 0;
  private readonly maxOpen: number;

  constructor(
    private readonly tracer: Tracer,
    private readonly options: RequestSpansOptions,
  ) {
    this.maxOpen = options.maxOpen ?? MAX_OPEN;
  }

  readonly observe = (event: PipelineEvent): void => {
    switch (event.type) {
      case 'request':
        return this.request(event);
      case 'attempt_start':
        return this.attemptStart(event);
      case 'attempt_end':
        return this.attemptEnd(event);
      case 'first_byte':
        return this.firstByte(event);
      case 'usage':
        return this.usage(event);
      case 'done':
        return this.done(event);
      default:
        return;
    }
  };

  /** The W3C `traceparent` an attempt's upstream request carries: the attempt span's. */
  readonly traceparent = (requestId: string, attempt: number): string | undefined => {
    const span = this.traces.get(requestId)?.attempts.get(attempt)?.span;
    if (!span) return undefined;
    const { traceId, spanId, traceFlags } = span.spanContext();
    return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  };

  /** Requests with a span open. */
  get open(): number {
    return this.traces.size;
  }

  /** Ends every span still open (shutdown: nothing is left unexported). */
  endAll(): void {
    for (const t of this.traces.values()) {
      for (const a of t.attempts.values()) a.span.end();
      t.root.setAttribute(GATEWAY.outcome, 'shutdown');
      t.root.end();
    }
    this.traces.clear();
  }

  private request(event: RequestReceived): void {
    if (this.traces.size >= this.maxOpen) {
      this.skipped++;
      return;
    }
    const operation = operationName(event.endpoint);
    const remote = this.options.trustClientParent && event.traceparent ? parseTraceParent(event.traceparent) : null;
    const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
    const attributes: Attributes = {
      [GEN_AI.operationName]: operation,
      [GEN_AI.requestModel]: event.model ?? undefined,
      [GEN_AI.requestStream]: event.stream,
      [GATEWAY.requestId]: event.requestId,
      [GATEWAY.router]: event.route ?? undefined,
      [GATEWAY.endpoint]: event.endpoint,
      [GATEWAY.dialect]: event.dialect,
    };
    // The request arrived before it was decoded: the span starts at its arrival, on the
    // performance.now() clock the SDK's span times use.
    const startTime = event.startedAt;
    const root = this.tracer.startSpan(spanName(operation, event.model ?? ''), { kind: SpanKind.SERVER, attributes, startTime }, parent);
    this.traces.set(event.requestId, { root, operation, stream: event.stream, attempts: new Map(), current: undefined });
  }

  private attemptStart(event: AttemptStarted): void {
    const t = this.traces.get(event.requestId);
    if (!t) return;
    const attributes: Attributes = {
      [GEN_AI.operationName]: t.operation,
      [GEN_AI.providerName]: providerName(event.provider),
      [GEN_AI.requestModel]: event.model ?? undefined,
      [GEN_AI.requestStream]: t.stream,
      [GATEWAY.provider]: event.provider,
      [GATEWAY.attempt]: event.attempt,
      [GATEWAY.credential]: event.credential,
      [GATEWAY.mode]: event.mode,
    };
    const upstream = event.mode === 'local' ? undefined : this.options.upstreamOf(event.provider);
    if (upstream) {
      attributes[SERVER_ADDRESS] = upstream.hostname;
      attributes[SERVER_PORT] = Number(upstream.port) || (upstream.protocol === 'https:' ? 443 : 80);
    }
    const kind = event.mode === 'local' ? SpanKind.INTERNAL : SpanKind.CLIENT;
    const span = this.tracer.startSpan(spanName(t.operation, event.model), { kind, attributes }, trace.setSpan(ROOT_CONTEXT, t.root));
    const attempt = { span, startedAt: performance.now() };
    t.attempts.set(event.attempt, attempt);
    t.current = attempt;
  }

  private attemptEnd(event: AttemptEnded): void {
    const t = this.traces.get(event.requestId);
    const attempt = t?.attempts.get(event.attempt);
    if (!t || !attempt) return;
    t.attempts.delete(event.attempt);
    if (t.current === attempt) t.current = undefined;
    const { span } = attempt;
    const { error } = event;
    // A failure of the hop itself (refused, timed out, pool full: those carry a `reason`) or one
    // before sending has a status of ours, not the provider's.
    const ours = error !== undefined && (error.reason !== undefined || event.upstreamMs === 0);
    if (event.status !== undefined && !ours) span.setAttribute(HTTP_RESPONSE_STATUS_CODE, event.status);
    if (error) {
      span.setAttribute(ERROR_TYPE, error.code ?? error.type);
      span.setAttribute(GATEWAY.outcome, 'failed');
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error.reason ?? error.message).slice(0, MESSAGE_CHARS) });
    } else {
      // Not ok and no error: the client left while this attempt was answering.
      span.setAttribute(GATEWAY.outcome, event.ok ? 'ok' : 'cancelled');
    }
    span.end();
  }

  private firstByte(event: FirstByte): void {
    const t = this.traces.get(event.requestId);
    if (!t) return;
    t.root.addEvent(GATEWAY.firstByteEvent);
    if (!t.stream) return;
    t.root.setAttribute(GEN_AI.responseTimeToFirstChunk, event.ms / 1000);
    if (t.current) t.current.span.setAttribute(GEN_AI.responseTimeToFirstChunk, (performance.now() - t.current.startedAt) / 1000);
  }

  private usage(event: UsageReported): void {
    const t = this.traces.get(event.requestId);
    if (!t) return;
    const tokens = tokenUsage(event.usage);
    const attributes: Attributes = {
      [GEN_AI.responseModel]: event.model,
      [GEN_AI.inputTokens]: tokens.input_tokens,
      [GEN_AI.outputTokens]: tokens.output_tokens,
    };
    if (tokens.cached_tokens > 0) attributes[GEN_AI.cacheReadInputTokens] = tokens.cached_tokens;
    if (tokens.cache_write_tokens > 0) attributes[GEN_AI.cacheCreationInputTokens] = tokens.cache_write_tokens;
    if (tokens.reasoning_tokens > 0) attributes[GEN_AI.reasoningOutputTokens] = tokens.reasoning_tokens;
    if (event.incomplete) attributes[GATEWAY.usageIncomplete] = true;
    t.root.setAttributes(attributes);
    t.current?.span.setAttributes(attributes);
  }

  private done(event: RequestDone): void {
    const t = this.traces.get(event.requestId);
    if (!t) return;
    this.traces.delete(event.requestId);
    // The client left while an attempt was still running: its end will find nothing.
    for (const a of t.attempts.values()) {
      a.span.setAttribute(GATEWAY.outcome, 'cancelled');
      a.span.end();
    }
    const { root } = t;
    root.setAttribute(HTTP_RESPONSE_STATUS_CODE, event.status);
    root.setAttribute(GATEWAY.attempts, event.attempts);
    root.setAttribute(GATEWAY.outcome, event.outcome);
    if (event.provider) {
      root.setAttribute(GEN_AI.providerName, providerName(event.provider));
      root.setAttribute(GATEWAY.provider, event.provider);
    }
    if (event.status >= 400 && event.errorCode) root.setAttribute(GATEWAY.errorCode, event.errorCode);
    // A server span is in error on 5xx (a 4xx is the client's), or when the answer broke off.
    if (event.status >= 500 || event.outcome === 'interrupted') {
      root.setAttribute(ERROR_TYPE, event.outcome === 'interrupted' ? 'interrupted' : (event.errorCode ?? String(event.status)));
      root.setStatus({ code: SpanStatusCode.ERROR });
    }
    root.end();
  }
}
