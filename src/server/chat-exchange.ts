/**
 * One attempt of a chat request against one provider: build, authorize, send, and — if the
 * provider answered 2xx — commit the response to the client (piped, translated or parsed).
 *
 * The response is committed at its first byte, not at the upstream's status line: a stream that
 * breaks (or a translated stream whose first event is an error) before anything reached the
 * client is still an uncommitted failure, so the attempt loop can fall back. Streams wait for the
 * provider's response headers only `stream-first-byte-timeout` (a hung provider then falls back);
 * non-streaming requests wait `first-byte-timeout`.
 *
 * A committed response that breaks off marks the request `interrupted` (the access line's
 * outcome) and writes a `stream_interrupted` event line.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ChatCompletionChunk, ChatRequest } from '../core/chat-types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { AttemptEvents, AttemptOutcome, AttemptScope } from '../core/attempts.js';
import type { Clock } from '../core/clock.js';
import type { CancelSignal } from '../core/cancel-signal.js';
import { HealthChange, type ProviderHealth } from '../core/health/provider-health.js';
import type { EventLog } from '../observability/event-log.js';
import type { Candidate } from '../core/router.js';
import type { RouteTimeouts } from '../core/route-timeouts.js';
import type { ChatTarget, StreamSink } from '../providers/types.js';
import { ChunkEncoder, SSE_DONE, sseError } from '../ingress/openai-chat/encode.js';
import { providerReached, readJson, readText, upstreamFailure, type UpstreamClient, type UpstreamTimeouts } from '../upstream/client.js';
import { deadlineError } from '../upstream/upstream-failure.js';
import type { UpstreamBody } from '../upstream/upstream-body.js';
import { responseTooLarge } from '../upstream/response-limit.js';
import type { Scrubber } from '../secrets/scrubber.js';
import type { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { gatewayHeaders } from './respond.js';
import { isShuttingDown } from './shutdown.js';
import { markInterrupted } from './request-log.js';

/**
 * Everything the attempts of one request share: one abort signal for client disconnect and the
 * whole-request deadline (one timer per request, cleared when the response closes), the
 * upstream client and the route's timeouts. It is also the attempt loop's event sink, writing
 * the request's event lines (nothing is written while all goes well).
 */
export class RequestScope implements AttemptScope, AttemptEvents {
  readonly signal: CancelSignal;
  readonly deadline: number;
  readonly clock: Clock;
  readonly client: UpstreamClient;
  /** Non-streaming requests. */
  readonly timeouts: UpstreamTimeouts;
  /** Streaming requests: a shorter wait for the response headers. */
  readonly streamTimeouts: UpstreamTimeouts;
  readonly totalMs: number;
  readonly scrubber: Scrubber;
  readonly maxResponseBytes: number;
  readonly requestId: string;
  readonly log: EventLog;
  readonly events: AttemptEvents = this;
  timedOut = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    gw: Gateway,
    ctx: RequestContext,
    timeouts: RouteTimeouts,
    readonly label: string,
  ) {
    this.clock = gw.compiled.clock;
    // The request's own signal: the deadline cancels the whole request, like a disconnect.
    this.signal = ctx.signal;
    this.totalMs = timeouts.totalMs;
    this.deadline = this.clock() + timeouts.totalMs;
    this.client = gw.upstream;
    this.timeouts = timeouts.upstream;
    this.scrubber = gw.scrubber;
    this.maxResponseBytes = gw.maxResponseBytes;
    this.streamTimeouts = timeouts.upstreamStream;
    this.requestId = ctx.id;
    this.log = gw.events;
    this.timer = setTimeout(this.onDeadline, timeouts.totalMs);
    ctx.onClose(this.dispose);
  }

  attemptFailed(provider: string, attempt: number, error: GatewayError): void {
    this.log.attemptFailed(this.requestId, provider, attempt, error);
  }

  fallback(from: string, to: string, attempt: number): void {
    this.log.fallback(this.requestId, from, to, attempt);
  }

  retry(provider: string, attempt: number, waitMs: number): void {
    this.log.retry(this.requestId, provider, attempt, waitMs);
  }

  health(change: HealthChange, health: ProviderHealth, now: number): void {
    this.log.health(this.requestId, change, health, now);
  }

  private readonly onDeadline = (): void => {
    this.timedOut = true;
    this.signal.abort(new Error('deadline'));
  };

  readonly dispose = (): void => {
    clearTimeout(this.timer);
  };
}

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** A response body that failed: before its first byte (`started` false) or part-way. */
function upstreamLost(err: unknown, provider: string, scope: RequestScope, started: boolean): GatewayError {
  // The gateway's own shutdown ended the stream: say so, not that the provider stopped.
  if (isShuttingDown(err)) return err;
  if (scope.timedOut) return deadlineError(provider, scope.totalMs, started);
  const failure = upstreamFailure(err, provider, false);
  const what = failure.reason ?? failure.code ?? 'connection lost';
  return new GatewayError({
    status: failure.status,
    code: 'upstream_stream_interrupted',
    type: failure.type,
    provider,
    reason: started ? `cut off mid-response (${what})` : `dropped the response before its first byte (${what})`,
    message: started
      ? `${provider}: stopped sending mid-response (${what}); the answer is incomplete. Retry the request.`
      : `${provider}: dropped the response before sending any of it (${what}).`,
  });
}

function emptyResponse(provider: string): GatewayError {
  return new GatewayError({ status: 502, code: 'upstream_empty_response', provider, message: `${provider} answered with an empty body.` });
}

/**
 * How a committed response ended: `ok` false when it broke off, with what broke it (undefined
 * when the client left first).
 */
type OnEnd = (ok: boolean, error?: GatewayError) => void;

/**
 * Relays upstream bytes with backpressure. Resolves once the first byte went to the client
 * (undefined), or with the failure when the body broke or ended before that.
 */
function pipeBody(
  ctx: RequestContext,
  scope: RequestScope,
  body: UpstreamBody,
  status: number,
  headers: OutgoingHttpHeaders,
  stream: boolean,
  provider: string,
  onEnd: OnEnd,
): Promise<GatewayError | undefined> {
  const { res } = ctx;
  return new Promise((resolve) => {
    let started = false;
    body.read({
      data(chunk) {
        if (!started) {
          started = true;
          res.writeHead(status, headers);
          // Listeners on the client response only once it is ours: a failed attempt leaves none.
          res.on('drain', () => body.resume());
          resolve(undefined);
        }
        if (!res.write(chunk)) body.pause();
      },
      end() {
        if (!started) return resolve(emptyResponse(provider));
        res.end();
        onEnd(true);
      },
      error(err) {
        if (!started) return resolve(upstreamLost(err, provider, scope, false));
        if (ctx.clientGone) return onEnd(false);
        const lost = upstreamLost(err, provider, scope, true);
        onEnd(false, lost);
        if (stream) res.end(sseError(lost));
        else res.destroy();
      },
    });
  });
}

/** Translates a native stream; commits at the first canonical chunk. Resolves like pipeBody. */
function translateStream(
  ctx: RequestContext,
  scope: RequestScope,
  body: UpstreamBody,
  target: ChatTarget,
  headers: OutgoingHttpHeaders,
  onFirstByte: () => void,
  onEnd: OnEnd,
): Promise<GatewayError | undefined> {
  const { res } = ctx;
  const provider = target.provider.name;
  return new Promise((resolve) => {
    let started = false;
    let failed = false;
    // Bytes fed to the translator since it last produced a chunk: bounds one event it buffers.
    let unanswered = 0;
    const encoder = new ChunkEncoder();
    // What one upstream read produced, sent as one write (one syscall) after the read.
    let pending = '';
    const flush = (): void => {
      if (pending === '') return;
      const out = pending;
      pending = '';
      if (!res.write(out)) body.pause();
    };
    const sink: StreamSink = {
      chunk(chunk: ChatCompletionChunk) {
        if (failed) return;
        unanswered = 0;
        if (!started) {
          started = true;
          res.writeHead(200, headers);
          res.on('drain', () => body.resume());
          onFirstByte();
          resolve(undefined);
        }
        // The usage-only chunk is always produced for accounting; the client gets it only if asked.
        if (chunk.choices.length === 0 && !target.includeUsage) return;
        pending += encoder.encode(chunk);
      },
      error(error: GatewayError) {
        if (failed) return;
        failed = true;
        body.destroy();
        // An error event before any chunk (e.g. "overloaded") is a failed attempt: fall back.
        if (!started) return resolve(error);
        onEnd(false, error);
        res.end(pending + sseError(error));
        pending = '';
      },
    };
    const translator = target.provider.adapter.chat.createStreamTranslator(target, sink);
    body.read({
      data(chunk) {
        if (failed) return;
        if ((unanswered += chunk.length) > scope.maxResponseBytes) return sink.error(responseTooLarge(scope.maxResponseBytes, provider));
        translator.write(chunk);
        if (!failed) flush();
      },
      end() {
        if (failed) return;
        translator.end();
        if (failed) return;
        if (!started) return resolve(emptyResponse(provider));
        res.end(pending + SSE_DONE);
        pending = '';
        onEnd(true);
      },
      error(err) {
        if (failed) return;
        if (!started) {
          failed = true;
          return resolve(upstreamLost(err, provider, scope, false));
        }
        if (ctx.clientGone) {
          failed = true;
          onEnd(true);
          return;
        }
        sink.error(upstreamLost(err, provider, scope, true));
      },
    });
  });
}

export async function exchangeChat(
  gw: Gateway,
  ctx: RequestContext,
  scope: RequestScope,
  request: ChatRequest,
  rawBody: Buffer,
  candidate: Candidate,
  attemptNumber: number,
): Promise<AttemptOutcome> {
  const { provider, credentials, stats, health } = candidate.target;
  const adapter = provider.adapter;
  const stream = request.stream === true;
  const target: ChatTarget = {
    provider,
    model: candidate.model,
    stream,
    includeUsage: stream && request.stream_options?.include_usage === true,
    requestId: ctx.id,
    rawBody,
    modelRewritten: candidate.model !== request.model,
  };
  ctx.provider = provider.name;
  ctx.attempts = attemptNumber;

  let upstreamReq;
  try {
    upstreamReq = adapter.chat.buildRequest(request, target);
    const pending = adapter.authorize(upstreamReq, credentials, provider);
    if (pending) await pending;
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: false };
    throw err;
  }

  const clock = scope.clock;
  const started = clock();
  stats.start();
  let response;
  try {
    response = await scope.client.send(upstreamReq, stream ? scope.streamTimeouts : scope.timeouts, scope.signal);
  } catch (err) {
    stats.release();
    if (ctx.clientGone) return { committed: true, cancelled: true };
    const error = upstreamFailure(err, provider.name, scope.timedOut, scope.totalMs);
    // A timeout is a latency sample too: a hanging provider must look slow.
    if (error.status === 504) stats.sample(clock() - started);
    return { committed: false, error, reached: providerReached(error) };
  }

  scope.scrubber.scrubResponse(response);
  const { statusCode, headers, body } = response;
  if (statusCode >= 400) {
    let text = '';
    try {
      text = await readText(body);
    } catch {
      // The error body is best effort; the status alone still tells what happened.
    }
    stats.release();
    return { committed: false, error: adapter.mapError(statusCode, headers, text, provider), reached: true };
  }

  const out = gatewayHeaders(ctx, headers);
  // After the commit: a response that breaks off counts against the provider's health.
  const onEnd: OnEnd = (ok, error) => {
    stats.release();
    if (ok || !error || ctx.clientGone) return;
    markInterrupted(gw, ctx, provider.name, error);
    if (scope.timedOut) return;
    const now = clock();
    if (health.lateFailure(now) !== HealthChange.None) scope.log.health(ctx.id, HealthChange.Ejected, health, now);
  };

  if (stream || adapter.pipesChat) {
    let failure: GatewayError | undefined;
    if (stream) {
      Object.assign(out, SSE_HEADERS);
      const firstByte = (): void => stats.sample(clock() - started);
      failure = adapter.pipesChat
        ? await pipeBody(ctx, scope, body, statusCode, out, true, provider.name, onEnd).then((f) => {
            if (!f) firstByte();
            return f;
          })
        : await translateStream(ctx, scope, body, target, out, firstByte, onEnd);
    } else {
      out['content-type'] = headers['content-type'] ?? 'application/json';
      const length = headers['content-length'];
      if (typeof length === 'string') out['content-length'] = length;
      // Non-streaming latency counts to the full response.
      failure = await pipeBody(ctx, scope, body, statusCode, out, false, provider.name, (ok, error) => {
        if (ok) stats.sample(clock() - started);
        onEnd(ok, error);
      });
    }
    if (!failure) return { committed: true };
    stats.release();
    if (ctx.clientGone) return { committed: true, cancelled: true };
    return { committed: false, error: failure, reached: true };
  }

  let parsed: unknown;
  try {
    parsed = await readJson(body, scope.maxResponseBytes, provider.name);
  } catch (err) {
    stats.release();
    if (ctx.clientGone) return { committed: true, cancelled: true };
    return {
      committed: false,
      reached: true,
      error:
        err instanceof SyntaxError
          ? new GatewayError({ status: 502, code: 'upstream_invalid_response', provider: provider.name, message: `${provider.name} returned a response that is not valid JSON.` })
          : upstreamFailure(err, provider.name, scope.timedOut, scope.totalMs),
    };
  }
  stats.release();
  stats.sample(clock() - started);
  let completion;
  try {
    completion = adapter.chat.parseResponse(parsed, target);
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: true };
    throw err;
  }
  const text = JSON.stringify(completion);
  out['content-type'] = 'application/json';
  out['content-length'] = Buffer.byteLength(text);
  ctx.res.writeHead(200, out);
  ctx.res.end(text);
  return { committed: true };
}
