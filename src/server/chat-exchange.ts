/**
 * One attempt of a chat request against one provider: build, authorize, send, and — if the
 * provider answered 2xx — commit the response to the client (piped, translated or parsed).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ChatCompletionChunk, ChatRequest } from '../core/chat-types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { AttemptOutcome } from '../core/attempts.js';
import type { Candidate } from '../core/router.js';
import type { ChatTarget, StreamSink } from '../providers/types.js';
import { SSE_DONE, sseChunk, sseError } from '../ingress/openai-chat/encode.js';
import { upstreamFailure } from '../upstream/client.js';
import type { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { gatewayHeaders, PROVIDER_REQUEST_ID_HEADER } from './respond.js';

const MAX_ERROR_BODY = 64 * 1024;

export async function readText(body: Readable, limit = MAX_ERROR_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size < limit) chunks.push(buf);
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

function providerRequestId(headers: IncomingHttpHeaders): string | undefined {
  const id = headers['x-request-id'] ?? headers['request-id'] ?? headers['x-amzn-requestid'];
  return typeof id === 'string' ? id : undefined;
}

function successHeaders(gw: Gateway, ctx: RequestContext, upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const headers = gatewayHeaders(ctx);
  if (gw.exposeProviderRequestId) {
    const id = providerRequestId(upstream);
    if (id) headers[PROVIDER_REQUEST_ID_HEADER] = id;
  }
  return headers;
}

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** Relays upstream bytes with backpressure; on a lost upstream, ends a stream with an error event. */
function pipeBody(ctx: RequestContext, body: Readable, stream: boolean, provider: string, onEnd: () => void): void {
  const { res } = ctx;
  body.on('data', (chunk: Buffer) => {
    if (!res.write(chunk)) body.pause();
  });
  res.on('drain', () => body.resume());
  body.once('end', () => {
    res.end();
    onEnd();
  });
  body.once('error', (err) => {
    onEnd();
    if (ctx.clientGone) return;
    if (stream) res.end(sseError(upstreamLost(err, provider)));
    else res.destroy();
  });
}

function upstreamLost(err: unknown, provider: string): GatewayError {
  const failure = upstreamFailure(err, provider, false);
  return new GatewayError({
    status: failure.status,
    code: 'upstream_stream_interrupted',
    type: failure.type,
    provider,
    message: `${provider} stopped sending mid-response (${failure.code ?? 'connection lost'}); the answer is incomplete. Retry the request.`,
  });
}

function translateStream(ctx: RequestContext, body: Readable, target: ChatTarget, onEnd: () => void): void {
  const { res } = ctx;
  let failed = false;
  const sink: StreamSink = {
    chunk(chunk: ChatCompletionChunk) {
      if (failed) return;
      // The usage-only chunk is always produced for accounting; the client gets it only if asked.
      if (chunk.choices.length === 0 && !target.includeUsage) return;
      if (!res.write(sseChunk(chunk))) body.pause();
    },
    error(error: GatewayError) {
      if (failed) return;
      failed = true;
      res.end(sseError(error));
      body.destroy();
      onEnd();
    },
  };
  const translator = target.provider.adapter.chat.createStreamTranslator(target, sink);
  res.on('drain', () => body.resume());
  body.on('data', (chunk: Buffer) => {
    if (!failed) translator.write(chunk);
  });
  body.once('end', () => {
    if (failed) return;
    translator.end();
    if (failed) return;
    res.end(SSE_DONE);
    onEnd();
  });
  body.once('error', (err) => {
    if (failed || ctx.clientGone) {
      onEnd();
      return;
    }
    sink.error(upstreamLost(err, target.provider.name));
  });
}

export async function exchangeChat(
  gw: Gateway,
  ctx: RequestContext,
  request: ChatRequest,
  rawBody: Buffer,
  candidate: Candidate,
  attemptNumber: number,
): Promise<AttemptOutcome> {
  const { provider, credentials, stats } = candidate.target;
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
    if (err instanceof GatewayError) return { committed: false, error: err };
    throw err;
  }

  // One signal per attempt: a client disconnect or this attempt's deadline aborts it.
  const signal = ctx.signal;
  let deadlineHit = false;
  const timeoutController = new AbortController();
  const onClientAbort = (): void => timeoutController.abort(signal.reason);
  signal.addEventListener('abort', onClientAbort, { once: true });
  const deadlineTimer = setTimeout(() => {
    deadlineHit = true;
    timeoutController.abort(new Error('deadline'));
  }, gw.requestTimeoutMs);
  const cleanup = (): void => {
    clearTimeout(deadlineTimer);
    signal.removeEventListener('abort', onClientAbort);
  };

  const started = performance.now();
  stats.start();
  let response;
  try {
    response = await gw.upstream.send(upstreamReq, gw.timeouts, timeoutController.signal);
  } catch (err) {
    cleanup();
    stats.abandon();
    if (ctx.clientGone) return { committed: true };
    return { committed: false, error: upstreamFailure(err, provider.name, deadlineHit) };
  }

  const { statusCode, headers, body } = response;
  if (statusCode >= 400) {
    let text = '';
    try {
      text = await readText(body);
    } catch {
      // The error body is best effort; the status alone still tells what happened.
    }
    cleanup();
    stats.finish(performance.now() - started);
    return { committed: false, error: adapter.mapError(statusCode, headers, text, provider) };
  }

  const out = successHeaders(gw, ctx, headers);
  const finish = (): void => {
    cleanup();
  };

  if (stream) {
    // Latency for streams counts to the first byte.
    stats.finish(performance.now() - started);
    ctx.res.writeHead(statusCode, { ...out, ...SSE_HEADERS });
    if (adapter.pipesChat) pipeBody(ctx, body, true, provider.name, finish);
    else translateStream(ctx, body, target, finish);
    return { committed: true };
  }

  if (adapter.pipesChat) {
    out['content-type'] = headers['content-type'] ?? 'application/json';
    const length = headers['content-length'];
    if (typeof length === 'string') out['content-length'] = length;
    ctx.res.writeHead(statusCode, out);
    pipeBody(ctx, body, false, provider.name, () => {
      stats.finish(performance.now() - started);
      finish();
    });
    return { committed: true };
  }

  let parsed: unknown;
  try {
    parsed = await body.json();
  } catch (err) {
    cleanup();
    stats.abandon();
    if (ctx.clientGone) return { committed: true };
    return {
      committed: false,
      error:
        err instanceof SyntaxError
          ? new GatewayError({ status: 502, code: 'upstream_invalid_response', provider: provider.name, message: `${provider.name} returned a response that is not valid JSON.` })
          : upstreamFailure(err, provider.name, deadlineHit),
    };
  }
  cleanup();
  stats.finish(performance.now() - started);
  const completion = adapter.chat.parseResponse(parsed, target);
  const text = JSON.stringify(completion);
  out['content-type'] = 'application/json';
  out['content-length'] = Buffer.byteLength(text);
  ctx.res.writeHead(200, out);
  ctx.res.end(text);
  return { committed: true };
}
