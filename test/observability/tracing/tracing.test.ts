/**
 * OpenTelemetry traces, in process against src, exported over OTLP/HTTP to a local receiver:
 * one SERVER span per request and a CLIENT span under it per attempt, with the GenAI attribute
 * names (semconv v1.45.0), the client's `traceparent` as the parent, and each upstream request
 * carrying its attempt span's `traceparent`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createTracing, type Tracing } from '../../../src/observability/tracing/index.js';
import { openaiAndAnthropicAt } from '../../helpers/gateway-with-simulator.js';
import { startInProcess, type InProcessGateway } from '../../helpers/in-process.js';
import { listenLocally } from '../../helpers/listen.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../helpers/otlp-receiver.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-tracing-0123456789abcdef';
const ANTHROPIC_KEY = 'test-anthropic-key-tracing-0123456789abcdef';
const ENV = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

interface Trace {
  root: ReceivedSpan;
  /** In attempt order. */
  attempts: ReceivedSpan[];
}

/** The spans of one request (found by its id), once its root and `attempts` children arrived. */
async function traceOf(rx: OtlpReceiver, requestId: string, attempts: number): Promise<Trace> {
  const rootOf = (spans: ReceivedSpan[]) => spans.find((s) => s.attributes['ai_gateway.request_id'] === requestId);
  const childrenOf = (spans: ReceivedSpan[], root: ReceivedSpan) => spans.filter((s) => s.parentSpanId === root.spanId);
  const spans = await rx.waitFor((all) => {
    const root = rootOf(all);
    return root !== undefined && childrenOf(all, root).length >= attempts;
  });
  const root = rootOf(spans) as ReceivedSpan;
  const children = childrenOf(spans, root).sort((a, b) => Number(a.attributes['ai_gateway.attempt']) - Number(b.attributes['ai_gateway.attempt']));
  assert.equal(children.length, attempts, 'one child span per attempt');
  return { root, attempts: children };
}

async function chat(gw: InProcessGateway, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ requestId: string; status: number; text: string }> {
  const requestId = randomUUID();
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    body: JSON.stringify(body),
  });
  return { requestId, status: res.status, text: await res.text() };
}

const upstreamTraceparent = (span: ReceivedSpan): string => `00-${span.traceId}-${span.spanId}-01`;

describe('traces over OTLP/HTTP', () => {
  let rx: OtlpReceiver;
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;
  let tracing: Tracing;

  before(async () => {
    rx = await startOtlpReceiver();
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    // Helicone's style of endpoint (its default is …/v1/metrics): traces go to /v1/traces on its origin.
    const telemetry = `telemetry: { exporter: otlp, otlp-endpoint: "${rx.url}/v1/metrics", service-name: test-gateway }\n`;
    gw = await startInProcess({
      config: openaiAndAnthropicAt(openai.url, telemetry, {
        anthropicUrl: anthropic.url,
        openaiModels: ['gpt-4o-mini', 'text-embedding-3-small', 'shared-model'],
        anthropicModels: ['claude-3-5-haiku-latest', 'shared-model'],
      }),
      env: ENV,
    });
    const made = await createTracing(gw.compiled.config.telemetry, gw.gateway, gw.gateway.logger, { env: {}, scheduledDelayMs: 20 });
    assert.ok(made, 'exporter otlp traces');
    tracing = made;
  });

  after(async () => {
    await tracing?.shutdown();
    await gw?.close();
    await openai?.close();
    await anthropic?.close();
    await rx?.close();
  });

  test('a request: a SERVER span, a CLIENT child, the GenAI attributes, and the child’s traceparent upstream', async () => {
    assert.equal(tracing.endpoint, `${rx.url}/v1/traces`);
    // Messages translated to OpenAI chat: the simulator's usage (12 in, 5 out) comes back as events.
    const { requestId, status } = await chat(gw, '/router/oa/v1/messages', { model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(status, 200);
    const { root, attempts } = await traceOf(rx, requestId, 1);
    const [child] = attempts;

    assert.equal(root.kind, SERVER);
    assert.equal(root.name, 'chat gpt-4o-mini');
    assert.equal(root.parentSpanId, '', 'no client traceparent: the root starts the trace');
    assert.equal(root.status, 0, 'unset on success');
    assert.equal(root.scope, 'ai-gateway');
    assert.deepEqual(root.resource, { 'service.name': 'test-gateway' });
    assert.deepEqual(
      [root.attributes['gen_ai.operation.name'], root.attributes['gen_ai.provider.name'], root.attributes['gen_ai.request.model'], root.attributes['gen_ai.response.model']],
      ['chat', 'openai', 'gpt-4o-mini', 'gpt-4o-mini'],
    );
    assert.equal(root.attributes['gen_ai.usage.input_tokens'], 12);
    assert.equal(root.attributes['gen_ai.usage.output_tokens'], 5);
    assert.equal(root.attributes['gen_ai.request.stream'], false);
    assert.equal(root.attributes['http.response.status_code'], 200);
    assert.equal(root.attributes['error.type'], undefined);
    assert.equal(root.attributes['ai_gateway.router'], 'oa');
    assert.equal(root.attributes['ai_gateway.endpoint'], 'messages');
    assert.equal(root.attributes['ai_gateway.dialect'], 'anthropic-messages');
    assert.equal(root.attributes['ai_gateway.attempts'], 1);
    assert.equal(root.attributes['ai_gateway.outcome'], 'ok');
    assert.ok(root.events.includes('ai_gateway.first_byte'));

    assert.equal(child.kind, CLIENT);
    assert.equal(child.name, 'chat gpt-4o-mini');
    assert.equal(child.traceId, root.traceId);
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(child.status, 0);
    assert.equal(child.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(child.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(child.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(child.attributes['gen_ai.response.model'], 'gpt-4o-mini');
    assert.equal(child.attributes['gen_ai.usage.input_tokens'], 12);
    assert.equal(child.attributes['gen_ai.usage.output_tokens'], 5);
    assert.equal(child.attributes['http.response.status_code'], 200);
    assert.equal(child.attributes['server.address'], '127.0.0.1');
    assert.equal(child.attributes['server.port'], Number(new URL(openai.url).port));
    assert.equal(child.attributes['ai_gateway.attempt'], 1);
    assert.equal(child.attributes['ai_gateway.provider'], 'openai');
    assert.equal(child.attributes['ai_gateway.credential'], `env:OPENAI_API_KEY …${OPENAI_KEY.slice(-4)}`);
    assert.equal(child.attributes['ai_gateway.mode'], 'translated');
    assert.ok(root.startNs <= child.startNs && child.endNs <= root.endNs, 'the attempt lies within the request');

    assert.equal(openai.requests.at(-1)?.headers.traceparent, upstreamTraceparent(child), 'the upstream request carries the attempt span');
    assert.ok(rx.posts.every((p) => p.path === '/v1/traces' && p.contentType === 'application/json'));
    assert.ok(rx.posts.every((p) => !p.body.includes(OPENAI_KEY)), 'no key in anything exported');
  });

  test('a fallback: a child per attempt, the failed one in error with its status, each upstream request with its own span', async () => {
    // `/ai` tries the providers serving the model in the config's order.
    const [first, second] = [...gw.compiled.providers.keys()].filter((n) => n === 'openai' || n === 'anthropic');
    if (first === 'anthropic') anthropic.setNext({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' });
    else openai.setNext({ status: 503 });
    const sentBefore = { openai: openai.requests.length, anthropic: anthropic.requests.length };
    const { requestId, status } = await chat(gw, '/ai/v1/chat/completions', { model: 'shared-model', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(status, 200);
    const { root, attempts } = await traceOf(rx, requestId, 2);
    const [failed, served] = attempts;

    assert.deepEqual(attempts.map((a) => a.attributes['ai_gateway.provider']), [first, second]);
    assert.deepEqual(attempts.map((a) => a.attributes['ai_gateway.attempt']), [1, 2]);
    assert.ok(attempts.every((a) => a.traceId === root.traceId && a.parentSpanId === root.spanId && a.kind === CLIENT));
    assert.equal(failed.status, ERROR);
    assert.equal(failed.attributes['http.response.status_code'], first === 'anthropic' ? 529 : 503);
    assert.equal(typeof failed.attributes['error.type'], 'string');
    assert.equal(failed.attributes['ai_gateway.outcome'], 'failed');
    assert.equal(failed.attributes['gen_ai.usage.input_tokens'], undefined, 'no usage on the failed attempt');
    assert.equal(served.status, 0);
    assert.equal(served.attributes['http.response.status_code'], 200);
    assert.equal(served.attributes['ai_gateway.outcome'], 'ok');
    assert.ok(failed.endNs <= served.startNs, 'the fallback starts after the failure');

    assert.equal(root.name, 'chat shared-model');
    assert.equal(root.attributes['ai_gateway.router'], '/ai');
    assert.equal(root.attributes['ai_gateway.attempts'], 2);
    assert.equal(root.attributes['gen_ai.provider.name'], second);
    assert.equal(root.status, 0);

    const sims = { openai, anthropic } as const;
    const sent = (name: string) => sims[name as keyof typeof sims].requests.slice(sentBefore[name as keyof typeof sims]);
    assert.deepEqual(sent(first).map((r) => r.headers.traceparent), [upstreamTraceparent(failed)]);
    assert.deepEqual(sent(second).map((r) => r.headers.traceparent), [upstreamTraceparent(served)]);
  });

  test('the client’s traceparent is the request span’s parent, and its trace goes upstream', async () => {
    const { requestId } = await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    const { root, attempts } = await traceOf(rx, requestId, 1);
    assert.equal(root.traceId, CLIENT_TRACE);
    assert.equal(root.parentSpanId, CLIENT_SPAN);
    assert.equal(attempts[0].traceId, CLIENT_TRACE);
    assert.equal(attempts[0].attributes['ai_gateway.mode'], 'piped');
    assert.equal(openai.requests.at(-1)?.headers.traceparent, `00-${CLIENT_TRACE}-${attempts[0].spanId}-01`);
  });

  test('a malformed client traceparent is ignored: a trace of our own', async () => {
    const { requestId } = await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { traceparent: '00-not-a-trace-01' });
    const { root } = await traceOf(rx, requestId, 1);
    assert.equal(root.parentSpanId, '');
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
  });

  test('a stream: time to first chunk on both spans, and the first byte as an event', async () => {
    const { requestId, status, text } = await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(status, 200);
    assert.match(text, /data: \[DONE\]/);
    const { root, attempts } = await traceOf(rx, requestId, 1);
    assert.equal(root.attributes['gen_ai.request.stream'], true);
    assert.equal(attempts[0].attributes['gen_ai.request.stream'], true);
    const rootTtfc = Number(root.attributes['gen_ai.response.time_to_first_chunk']);
    const attemptTtfc = Number(attempts[0].attributes['gen_ai.response.time_to_first_chunk']);
    assert.ok(rootTtfc > 0 && rootTtfc < 5, `seconds: ${rootTtfc}`);
    assert.ok(attemptTtfc > 0 && attemptTtfc <= rootTtfc, `the attempt's is measured from its start: ${attemptTtfc} ≤ ${rootTtfc}`);
    assert.ok(root.events.includes('ai_gateway.first_byte'));
  });

  test('chat to Anthropic: provider anthropic, operation chat, the Anthropic credential and usage', async () => {
    const { requestId, status } = await chat(gw, '/router/an/v1/chat/completions', { model: 'claude-3-5-haiku-latest', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(status, 200);
    const { root, attempts } = await traceOf(rx, requestId, 1);
    assert.equal(root.name, 'chat claude-3-5-haiku-latest');
    assert.equal(root.attributes['ai_gateway.dialect'], 'openai-chat');
    assert.equal(root.attributes['ai_gateway.endpoint'], 'chat');
    assert.equal(root.attributes['gen_ai.provider.name'], 'anthropic');
    assert.equal(root.attributes['gen_ai.usage.output_tokens'], attempts[0].attributes['gen_ai.usage.output_tokens']);
    assert.equal(attempts[0].attributes['gen_ai.provider.name'], 'anthropic');
    assert.equal(attempts[0].attributes['ai_gateway.credential'], `env:ANTHROPIC_API_KEY …${ANTHROPIC_KEY.slice(-4)}`);
    assert.ok(Number(attempts[0].attributes['gen_ai.usage.output_tokens']) > 0);
    assert.equal(anthropic.requests.at(-1)?.headers.traceparent, upstreamTraceparent(attempts[0]));
  });

  test('embeddings: operation embeddings, input tokens', async () => {
    const { requestId, status } = await chat(gw, '/router/oa/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello' });
    assert.equal(status, 200);
    const { root, attempts } = await traceOf(rx, requestId, 1);
    assert.equal(root.name, 'embeddings text-embedding-3-small');
    assert.equal(root.attributes['gen_ai.operation.name'], 'embeddings');
    assert.equal(attempts[0].attributes['gen_ai.operation.name'], 'embeddings');
    assert.equal(attempts[0].attributes['gen_ai.usage.input_tokens'], 4);
    assert.equal(openai.requests.at(-1)?.headers.traceparent, upstreamTraceparent(attempts[0]));
  });

  test('an error the client got: its status on the request span (a 4xx is not the server’s error), the attempt in error', async () => {
    openai.setNext({ status: 429, headers: { 'retry-after': '7' } });
    const { requestId, status } = await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(status, 429);
    const { root, attempts } = await traceOf(rx, requestId, 1);
    assert.equal(root.attributes['http.response.status_code'], 429);
    assert.equal(root.attributes['ai_gateway.outcome'], 'error');
    assert.equal(typeof root.attributes['ai_gateway.error_code'], 'string');
    assert.equal(root.status, 0);
    assert.equal(attempts[0].status, ERROR);
    assert.equal(attempts[0].attributes['http.response.status_code'], 429);
    assert.equal(typeof attempts[0].attributes['error.type'], 'string');
  });

  test('a provider that cannot be reached: the request span in error, no provider status on the attempt', async () => {
    const closed = await startOpenAISimulator();
    const url = closed.url;
    await closed.close();
    const local = await startInProcess({
      config: `providers:\n  openai: { base-url: "${url}" }\nrouters:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [openai] }\ntelemetry: { exporter: both, otlp-endpoint: "${rx.url}/v1/traces" }\n`,
      env: ENV,
    });
    const t = await createTracing(local.compiled.config.telemetry, local.gateway, local.gateway.logger, { env: {}, scheduledDelayMs: 20 });
    try {
      const { requestId, status } = await chat(local, '/router/r/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(status >= 500);
      const { root, attempts } = await traceOf(rx, requestId, 1);
      assert.equal(root.status, ERROR);
      assert.equal(root.attributes['http.response.status_code'], status);
      assert.equal(typeof root.attributes['error.type'], 'string');
      assert.equal(attempts[0].status, ERROR);
      assert.equal(attempts[0].attributes['http.response.status_code'], undefined, 'the provider never answered');
      assert.ok(attempts[0].statusMessage, 'the reason is the status message');
    } finally {
      await t?.shutdown();
      await local.close();
    }
  });
});

describe('telemetry.propagate: false', () => {
  let rx: OtlpReceiver;
  let openai: OpenAISimulator;
  let gw: InProcessGateway;
  let tracing: Tracing;

  before(async () => {
    rx = await startOtlpReceiver();
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    gw = await startInProcess({ config: openaiAndAnthropicAt(openai.url, 'telemetry: { exporter: otlp, propagate: false }\n'), env: ENV });
    // No endpoint in the config: the standard variable names the collector.
    const made = await createTracing(gw.compiled.config.telemetry, gw.gateway, gw.gateway.logger, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url }, scheduledDelayMs: 20 });
    assert.ok(made);
    tracing = made;
  });

  after(async () => {
    await tracing?.shutdown();
    await gw?.close();
    await openai?.close();
    await rx?.close();
  });

  test('the client’s traceparent is not trusted and none is sent upstream; the service name defaults to ai-gateway', async () => {
    assert.equal(tracing.endpoint, `${rx.url}/v1/traces`);
    assert.equal(gw.gateway.traceparent, undefined);
    const { requestId } = await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    const { root, attempts } = await traceOf(rx, requestId, 1);
    assert.notEqual(root.traceId, CLIENT_TRACE);
    assert.equal(root.parentSpanId, '');
    assert.equal(attempts[0].parentSpanId, root.spanId);
    assert.deepEqual(root.resource, { 'service.name': 'ai-gateway' });
    const upstream = openai.requests.at(-1)?.headers.traceparent;
    assert.ok(upstream === undefined || !upstream.includes(attempts[0].spanId), `upstream traceparent: ${upstream}`);
    assert.ok(upstream === undefined || !upstream.includes(CLIENT_TRACE), 'nor the client’s');
  });
});

describe('shutdown', () => {
  test('exports what is still queued, then traces nothing more', async () => {
    const rx = await startOtlpReceiver();
    const openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    const gw = await startInProcess({ config: openaiAndAnthropicAt(openai.url, `telemetry: { exporter: otlp, otlp-endpoint: "${rx.url}" }\n`), env: ENV });
    try {
      // A batch would wait a minute: only shutdown sends it.
      const tracing = await createTracing(gw.compiled.config.telemetry, gw.gateway, gw.gateway.logger, { env: {}, scheduledDelayMs: 60_000 });
      assert.ok(tracing);
      assert.equal(tracing.endpoint, `${rx.url}/v1/traces`, 'an endpoint without a path gets /v1/traces');
      const { requestId } = await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(rx.spans.length, 0, 'nothing sent before the batch is due');
      await tracing.shutdown();
      const { root } = await traceOf(rx, requestId, 1);
      assert.equal(root.attributes['ai_gateway.outcome'], 'ok');
      assert.equal(gw.gateway.traceparent, undefined, 'the hook is removed');
      assert.equal(gw.gateway.bus.active, false, 'the spans left the bus');
      await tracing.shutdown();
    } finally {
      await gw.close();
      await openai.close();
      await rx.close();
    }
  });

  test('the endpoint is logged at startup without its credentials; a collector that refuses the spans is logged', async () => {
    // A 400 is not retried (a refused connection is, for seconds): the failure comes at once.
    const refusing = await listenLocally(createServer((req, res) => req.resume().on('end', () => res.writeHead(400).end())));
    const { port } = refusing;
    const openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    const endpoint = `http://user:collector-token-0123456789@127.0.0.1:${port}/v1/traces?token=collector-token-0123456789`;
    const gw = await startInProcess({ config: openaiAndAnthropicAt(openai.url, `telemetry: { exporter: otlp, otlp-endpoint: "${endpoint}" }\n`), env: ENV });
    try {
      const tracing = await createTracing(gw.compiled.config.telemetry, gw.gateway, gw.gateway.logger, { env: {}, scheduledDelayMs: 20 });
      const started = await gw.waitForLine((l) => l.event === 'tracing');
      assert.equal(started.endpoint, `http://127.0.0.1:${port}/v1/traces`);
      await chat(gw, '/router/oa/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      const failed = await gw.waitForLine((l) => l.event === 'trace_export_failed');
      assert.equal(failed.level, 40);
      assert.ok(Number(failed.spans) >= 1);
      await tracing?.shutdown();
      assert.ok(!gw.logs().includes('collector-token'), 'the collector’s token is never logged');
    } finally {
      await gw.close();
      await openai.close();
      await refusing.close();
    }
  });

  test('without exporter otlp or both there is no tracing, and the bus stays unobserved', async () => {
    const gw = await startInProcess({ config: 'telemetry: { exporter: stdout, service-name: x }\n' });
    try {
      assert.equal(await createTracing(gw.compiled.config.telemetry, gw.gateway, gw.gateway.logger), undefined);
      assert.equal(gw.gateway.traceparent, undefined);
      assert.equal(gw.gateway.bus.active, false);
    } finally {
      await gw.close();
    }
  });
});
