/**
 * RequestSpans driven by hand-made events into the SDK's in-memory exporter: the cases the
 * simulators do not reach (a client that leaves mid-attempt, the cap on open requests, an
 * unsampled parent, cache and reasoning tokens, a stream cut off, shutdown with spans open).
 */
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { GatewayError } from '../../../src/core/gateway-error.js';
import type { PipelineEvent } from '../../../src/core/pipeline-events.js';
import { RequestSpans } from '../../../src/observability/tracing/request-spans.js';

let exporter: InMemorySpanExporter;
let spans: RequestSpans;

function make(maxOpen?: number): RequestSpans {
  exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return new RequestSpans(provider.getTracer('test'), { trustClientParent: true, upstreamOf: () => new URL('https://api.example.test/'), maxOpen });
}

beforeEach(() => {
  spans = make();
});

const request = (requestId: string, traceparent?: string): PipelineEvent => ({
  type: 'request', requestId, endpoint: 'chat', route: 'r', model: 'gpt-4o-mini', stream: true, dialect: 'openai-chat', traceparent, time: Date.now(), startedAt: performance.now(), at: 0,
});
const start = (requestId: string, attempt: number): PipelineEvent => ({
  type: 'attempt_start', requestId, attempt, provider: 'openai', model: 'gpt-4o-mini', credential: 'env:OPENAI_API_KEY …cdef', mode: 'piped', at: 0,
});
const done = (requestId: string, outcome: 'ok' | 'error' | 'interrupted' | 'client_gone', status = 200): PipelineEvent => ({
  type: 'done', requestId, status, provider: 'openai', attempts: 1, outcome, errorCode: null, ms: 5,
});
const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (kind: 'root' | 'attempt'): ReadableSpan | undefined => finished().find((s) => (kind === 'root' ? s.parentSpanContext === undefined : s.parentSpanContext !== undefined));

test('a client that leaves mid-attempt: done ends the attempt as cancelled; its late end changes nothing', () => {
  spans.observe(request('a'));
  spans.observe(start('a', 1));
  spans.observe(done('a', 'client_gone', 499));
  assert.equal(spans.open, 0, 'the request’s state is gone with done');
  spans.observe({ type: 'attempt_end', requestId: 'a', attempt: 1, provider: 'openai', credential: 'x', ok: false, upstreamMs: 3, at: 0 });
  assert.equal(finished().length, 2);
  assert.equal(named('attempt')?.attributes['ai_gateway.outcome'], 'cancelled');
  assert.equal(named('root')?.attributes['ai_gateway.outcome'], 'client_gone');
  assert.equal(named('root')?.attributes['http.response.status_code'], 499);
  assert.equal(spans.traceparent('a', 1), undefined);
});

test('the traceparent hook answers only for an attempt in flight', () => {
  spans.observe(request('a'));
  assert.equal(spans.traceparent('a', 1), undefined);
  spans.observe(start('a', 1));
  const tp = spans.traceparent('a', 1);
  assert.match(tp ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(spans.traceparent('a', 2), undefined);
  assert.equal(spans.traceparent('b', 1), undefined);
  spans.observe({ type: 'attempt_end', requestId: 'a', attempt: 1, provider: 'openai', credential: 'x', ok: true, status: 200, upstreamMs: 3, at: 0 });
  assert.equal(spans.traceparent('a', 1), undefined);
  assert.equal(finished()[0].spanContext().spanId, tp?.split('-')[2]);
});

test('at most maxOpen requests are traced at once; the others get no spans and are counted', () => {
  spans = make(2);
  for (const id of ['a', 'b', 'c']) spans.observe(request(id));
  spans.observe(start('c', 1));
  assert.equal(spans.open, 2);
  assert.equal(spans.skipped, 1);
  assert.equal(spans.traceparent('c', 1), undefined);
  spans.observe(done('a', 'ok'));
  spans.observe(request('d'));
  assert.equal(spans.open, 2, 'a finished request frees its place');
});

test('an unsampled client parent: nothing recorded, its trace and flag still go upstream', () => {
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
  spans.observe(request('a', `00-${trace}-00f067aa0ba902b7-00`));
  spans.observe(start('a', 1));
  const tp = spans.traceparent('a', 1);
  assert.match(tp ?? '', new RegExp(`^00-${trace}-[0-9a-f]{16}-00$`));
  assert.notEqual(tp?.split('-')[2], '00f067aa0ba902b7');
  spans.observe(done('a', 'ok'));
  assert.equal(finished().length, 0);
});

test('usage with cached, cache-write and reasoning tokens, and a stream cut off', () => {
  spans.observe(request('a'));
  spans.observe(start('a', 1));
  spans.observe({
    type: 'usage', requestId: 'a', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', incomplete: true,
    usage: { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 25 } },
  });
  spans.observe({ type: 'attempt_end', requestId: 'a', attempt: 1, provider: 'openai', credential: 'x', ok: true, status: 200, upstreamMs: 3, at: 0 });
  spans.observe(done('a', 'interrupted'));
  for (const span of [named('root'), named('attempt')]) {
    assert.deepEqual(
      {
        model: span?.attributes['gen_ai.response.model'],
        input: span?.attributes['gen_ai.usage.input_tokens'],
        output: span?.attributes['gen_ai.usage.output_tokens'],
        cacheRead: span?.attributes['gen_ai.usage.cache_read.input_tokens'],
        cacheCreation: span?.attributes['gen_ai.usage.cache_creation.input_tokens'],
        reasoning: span?.attributes['gen_ai.usage.reasoning.output_tokens'],
        incomplete: span?.attributes['ai_gateway.usage.incomplete'],
      },
      { model: 'gpt-4o-mini-2024-07-18', input: 100, output: 40, cacheRead: 60, cacheCreation: 10, reasoning: 25, incomplete: true },
    );
  }
  const root = named('root');
  assert.equal(root?.status.code, 2, 'an answer cut off is the server’s error, even after a 200');
  assert.equal(root?.attributes['error.type'], 'interrupted');
});

test('an attempt refused before it was sent has no provider status; one the provider refused has its status', () => {
  spans.observe(request('a'));
  spans.observe(start('a', 1));
  const unauthorized = new GatewayError({ status: 502, message: 'token fetch failed', code: 'credentials_unavailable' });
  spans.observe({ type: 'attempt_end', requestId: 'a', attempt: 1, provider: 'openai', credential: 'x', ok: false, status: 502, error: unauthorized, upstreamMs: 0, at: 0 });
  spans.observe(start('a', 2));
  const refused = new GatewayError({ status: 400, message: 'bad request', type: 'invalid_request_error' });
  spans.observe({ type: 'attempt_end', requestId: 'a', attempt: 2, provider: 'openai', credential: 'x', ok: false, status: 400, error: refused, upstreamMs: 4, at: 0 });
  const [first, second] = finished();
  assert.equal(first.attributes['http.response.status_code'], undefined);
  assert.equal(first.attributes['error.type'], 'credentials_unavailable');
  assert.equal(first.status.message, 'token fetch failed');
  assert.equal(second.attributes['http.response.status_code'], 400);
  assert.equal(second.attributes['error.type'], 'invalid_request_error', 'the type when there is no code');
});

test('server.address and server.port from the provider’s base URL', () => {
  spans.observe(request('a'));
  spans.observe(start('a', 1));
  spans.observe({ type: 'attempt_end', requestId: 'a', attempt: 1, provider: 'openai', credential: 'x', ok: true, status: 200, upstreamMs: 3, at: 0 });
  assert.equal(finished()[0].attributes['server.address'], 'api.example.test');
  assert.equal(finished()[0].attributes['server.port'], 443);
});

test('endAll ends what is open (shutdown) and forgets it', () => {
  spans.observe(request('a'));
  spans.observe(start('a', 1));
  spans.endAll();
  assert.equal(finished().length, 2);
  assert.equal(spans.open, 0);
  assert.equal(named('root')?.attributes['ai_gateway.outcome'], 'shutdown');
});
