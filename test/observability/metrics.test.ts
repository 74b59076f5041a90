/**
 * Prometheus metrics, in process against src: simulator traffic through the gateway, counted
 * from the request records into `/metrics` — requests, latency and first-byte histograms,
 * upstream attempts by result, tokens and cost, requests per provider key (fingerprint only),
 * the gateway's overhead, provider health read at scrape time — with labels kept bounded.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { createMetrics, type Metrics } from '../../src/observability/metrics/index.js';
import type { PriceBook, RequestRecord, TokenUsage } from '../../src/observability/records/request-record.js';
import { addRecordSink } from '../../src/server/gateway.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { families, parseSamples, total, type Sample } from '../helpers/prometheus-text.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-metrics-0123456789abcdef';
const ANTHROPIC_KEY = 'test-anthropic-key-metrics-0123456789wxyz';
const FLAKY_KEY = 'test-flaky-key-metrics-0123456789mnop';
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

/** $1 per million input tokens and $2 per million output tokens, for every model. */
const STUB_PRICES: PriceBook = {
  price: (_provider: string, _model: string, u: TokenUsage) => ({ cost_usd: (u.input_tokens * 1 + u.output_tokens * 2) / 1e6, price_source: 'test' }),
};

function config(openaiUrl: string, anthropicUrl: string, flakyUrl: string): string {
  return `
discover:
  monitor:
    health:
      ratio: 0.1
      interval: 1s
      grace-period: { min-requests: 1 }
providers:
  openai: { base-url: "${openaiUrl}", models: [gpt-4o-mini, gpt-4.1] }
  anthropic: { base-url: "${anthropicUrl}", models: [claude-3-5-haiku-latest] }
  flaky: { base-url: "${flakyUrl}v1", models: [gpt-4o-mini] }
routers:
  oa: { load-balance: { chat: { strategy: latency, providers: [openai] } } }
  an: { load-balance: { chat: { strategy: latency, providers: [anthropic] } } }
  fl: { load-balance: { chat: { strategy: latency, providers: [flaky] } } }
`;
}

describe('prometheus metrics', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let flaky: OpenAISimulator;
  let gw: InProcessGateway;
  let metrics: Metrics;
  const records: RequestRecord[] = [];

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    flaky = await startOpenAISimulator({ apiKey: FLAKY_KEY });
    gw = await startInProcess({
      config: config(openai.url, anthropic.url, flaky.url),
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, FLAKY_API_KEY: FLAKY_KEY },
    });
    gw.gateway.prices = STUB_PRICES;
    metrics = await createMetrics(gw.gateway);
    gw.gateway.metrics = metrics;
    addRecordSink(gw.gateway, metrics.sink);
    addRecordSink(gw.gateway, { write: (r) => records.push(r) });
  });

  after(async () => {
    metrics?.close();
    await gw?.close();
    await openai?.close();
    await anthropic?.close();
    await flaky?.close();
  });

  const client = (path: string): OpenAI => new OpenAI({ baseURL: `${gw.url}${path}`, apiKey: 'client-key', maxRetries: 0 });

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const res = await fetch(`${gw.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return { text, samples: parseSamples(text) };
  }

  /** The records of requests finished since `from` (a record follows its response closely). */
  async function recordsSince(from: number, count: number): Promise<RequestRecord[]> {
    for (let i = 0; i < 200 && records.length < from + count; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(records.length, from + count, 'every request has its record');
    return records.slice(from);
  }

  test('requests, histograms, attempts, keys, tokens and cost count what the records say', async () => {
    const before = (await scrape()).samples;
    const mark = records.length;
    const model = 'claude-3-5-haiku-latest';
    for (let i = 0; i < 3; i++) await client('/router/an').chat.completions.create({ model, messages });
    for (let i = 0; i < 2; i++) {
      const stream = await client('/router/an').chat.completions.create({ model, messages, stream: true });
      for await (const chunk of stream) void chunk;
    }
    const done = await recordsSince(mark, 5);
    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string> = {}): number => total(after, name, labels) - total(before, name, labels);
    const served = { router: 'an', provider: 'anthropic' };

    assert.equal(delta('ai_gateway_requests_total', { ...served, model, status: '200', outcome: 'ok' }), 5);
    for (const h of ['ai_gateway_request_duration_seconds', 'ai_gateway_time_to_first_byte_seconds']) {
      assert.equal(delta(`${h}_count`, served), 5, h);
      assert.equal(delta(`${h}_bucket`, { ...served, le: '+Inf' }), 5, h);
      const buckets = after.filter((s) => s.name === `${h}_bucket` && s.labels.router === 'an').map((s) => s.value);
      assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b), `${h} buckets are cumulative`);
    }
    const seconds = done.reduce((sum, r) => sum + r.latency_ms, 0) / 1000;
    assert.ok(Math.abs(delta('ai_gateway_request_duration_seconds_sum', served) - seconds) < 1e-6);
    assert.equal(delta('ai_gateway_overhead_seconds_count'), 5);
    assert.ok(delta('ai_gateway_overhead_seconds_sum') > 0);
    assert.equal(delta('ai_gateway_upstream_attempts_total', { provider: 'anthropic', result: 'ok' }), 5);
    assert.equal(delta('ai_gateway_provider_key_requests_total', { provider: 'anthropic', key: `…${ANTHROPIC_KEY.slice(-4)}` }), 5);

    const input = done.reduce((sum, r) => sum + (r.input_tokens ?? 0), 0);
    const output = done.reduce((sum, r) => sum + (r.output_tokens ?? 0), 0);
    assert.ok(input > 0 && output > 0, 'translated answers carry usage');
    assert.equal(delta('ai_gateway_tokens_total', { provider: 'anthropic', model, type: 'input' }), input);
    assert.equal(delta('ai_gateway_tokens_total', { provider: 'anthropic', model, type: 'output' }), output);
    const cost = done.reduce((sum, r) => sum + (r.cost_usd ?? 0), 0);
    assert.ok(cost > 0, 'the stub price book priced the records');
    assert.ok(Math.abs(delta('ai_gateway_cost_usd_total', { provider: 'anthropic', model, router: 'an' }) - cost) < 1e-12);
  });

  test('piped OpenAI traffic, streamed or not, is counted under its own labels', async () => {
    const mark = records.length;
    const before = (await scrape()).samples;
    await client('/router/oa').chat.completions.create({ model: 'gpt-4o-mini', messages });
    const stream = await client('/router/oa').chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const chunk of stream) void chunk;
    const done = await recordsSince(mark, 2);
    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string>): number => total(after, name, labels) - total(before, name, labels);
    assert.equal(delta('ai_gateway_requests_total', { router: 'oa', provider: 'openai', model: 'gpt-4o-mini', status: '200', outcome: 'ok' }), 2);
    assert.equal(delta('ai_gateway_provider_key_requests_total', { provider: 'openai', key: `…${OPENAI_KEY.slice(-4)}` }), 2);
    assert.equal(delta('ai_gateway_time_to_first_byte_seconds_count', { router: 'oa', provider: 'openai' }), 2);
    // Whatever usage the records hold (piped answers may carry none), the counters hold the same.
    for (const [type, field] of [['input', 'input_tokens'], ['output', 'output_tokens']] as const) {
      const sum = done.reduce((n, r) => n + (r[field] ?? 0), 0);
      assert.equal(delta('ai_gateway_tokens_total', { provider: 'openai', type }), sum, type);
    }
  });

  test('labels stay bounded: unknown models fold to "other", dated ones to their base, no ids, no secrets', async () => {
    const mark = records.length;
    const ids: string[] = [];
    for (const model of ['made-up-model-7f3a', 'gpt-4o-mini-2024-07-18']) {
      const { response } = await client('/router/oa').chat.completions.create({ model, messages }).withResponse();
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    const done = await recordsSince(mark, 2);
    assert.deepEqual(done.map((r) => r.model), ['made-up-model-7f3a', 'gpt-4o-mini-2024-07-18'], 'the records keep the real names');
    const { text, samples } = await scrape();
    assert.ok(total(samples, 'ai_gateway_requests_total', { router: 'oa', model: 'other' }) >= 1);
    assert.ok(!text.includes('made-up-model-7f3a'));
    assert.ok(!text.includes('2024-07-18'), 'a dated name is counted under its base model');
    for (const id of ids) assert.ok(id && !text.includes(id), 'no request id in any label');
    for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, FLAKY_KEY]) assert.ok(!text.includes(secret.slice(0, -4)), 'no key beyond its last four characters');
    assert.ok(!text.includes('OPENAI_API_KEY'), 'the key label is the fingerprint only');
    const models = new Set(samples.filter((s) => s.labels.model !== undefined).map((s) => s.labels.model));
    assert.deepEqual([...models].sort(), ['claude-3-5-haiku-latest', 'gpt-4o-mini', 'other'], 'configured names and other, nothing else');
  });

  test('a 429 is counted by status and as a rate-limited attempt', async () => {
    const mark = records.length;
    const before = (await scrape()).samples;
    openai.setNext({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    await assert.rejects(client('/router/oa').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => err instanceof OpenAI.RateLimitError);
    await recordsSince(mark, 1);
    const after = (await scrape()).samples;
    const limited = { router: 'oa', provider: 'openai', model: 'gpt-4o-mini', status: '429', outcome: 'error' };
    assert.equal(total(after, 'ai_gateway_requests_total', limited) - total(before, 'ai_gateway_requests_total', limited), 1);
    const attempts = { provider: 'openai', result: 'rate_limited' };
    assert.equal(total(after, 'ai_gateway_upstream_attempts_total', attempts) - total(before, 'ai_gateway_upstream_attempts_total', attempts), 1);
    assert.equal(total(after, 'ai_gateway_provider_healthy', { provider: 'openai' }), 1, 'cooling down after a 429 is not unhealthy');
  });

  test('the health gauge is read at scrape time: 0 once a provider is ejected, 1 once re-admitted', async () => {
    await client('/router/fl').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(total((await scrape()).samples, 'ai_gateway_provider_healthy', { provider: 'flaky' }), 1);
    flaky.setNext({ status: 500 });
    await assert.rejects(client('/router/fl').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => err instanceof OpenAI.InternalServerError);
    const ejected = (await scrape()).samples;
    assert.equal(total(ejected, 'ai_gateway_provider_healthy', { provider: 'flaky' }), 0);
    assert.equal(total(ejected, 'ai_gateway_provider_healthy', { provider: 'openai' }), 1);
    assert.equal(total(ejected, 'ai_gateway_upstream_attempts_total', { provider: 'flaky', result: 'error' }), 1);
    await new Promise((r) => setTimeout(r, 1_100));
    await client('/router/fl').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(total((await scrape()).samples, 'ai_gateway_provider_healthy', { provider: 'flaky' }), 1);
  });

  test("prom-client's process metrics are there, under the ai_gateway_ prefix", async () => {
    const types = families((await scrape()).text);
    for (const name of ['ai_gateway_process_cpu_seconds_total', 'ai_gateway_process_resident_memory_bytes', 'ai_gateway_nodejs_eventloop_lag_seconds', 'ai_gateway_nodejs_heap_size_used_bytes']) {
      assert.ok(types.has(name), name);
    }
    for (const name of types.keys()) assert.ok(name.startsWith('ai_gateway_'), name);
    assert.equal(types.get('ai_gateway_requests_total'), 'counter');
    assert.equal(types.get('ai_gateway_overhead_seconds'), 'histogram');
    assert.equal(types.get('ai_gateway_provider_healthy'), 'gauge');
  });

  test('every metric the Grafana dashboard queries is on the page', async () => {
    const dashboard = JSON.parse(await readFile(new URL('../../deploy/grafana/ai-gateway-dashboard.json', import.meta.url), 'utf8')) as {
      panels: { targets?: { expr: string }[] }[];
      templating: { list: { query?: unknown }[] };
    };
    const panelExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(panelExprs.length >= 10, 'the dashboard has its queries');
    const variableExprs = dashboard.templating.list.map((v) => (typeof v.query === 'object' && v.query !== null ? String((v.query as { query?: unknown }).query) : ''));
    const exprs = [...panelExprs, ...variableExprs];
    const queried = new Set(exprs.flatMap((e) => e.match(/\bai_gateway_[a-z0-9_]+/g) ?? []));
    const names = new Set((await scrape()).samples.map((s) => s.name));
    for (const name of queried) assert.ok(names.has(name), `${name} is queried by the dashboard but not on /metrics`);
    for (const needed of ['ai_gateway_requests_total', 'ai_gateway_time_to_first_byte_seconds_bucket', 'ai_gateway_cost_usd_total', 'ai_gateway_provider_healthy', 'ai_gateway_overhead_seconds_bucket']) {
      assert.ok(queried.has(needed), `the dashboard shows ${needed}`);
    }
  });
});

describe('the metrics sink, fed records directly', () => {
  let gw: InProcessGateway;
  let metrics: Metrics;

  before(async () => {
    gw = await startInProcess({ config: 'providers:\n  openai: { models: [gpt-4o] }\n', env: { OPENAI_API_KEY: OPENAI_KEY } });
    metrics = await createMetrics(gw.gateway);
  });
  after(async () => {
    metrics?.close();
    await gw?.close();
  });

  const record = (over: Partial<RequestRecord>): RequestRecord => ({
    time: new Date().toISOString(),
    request_id: 'req-direct-1',
    gateway_key: null,
    router: '/ai',
    endpoint: 'chat',
    dialect: 'openai-chat',
    stream: false,
    model_requested: 'gpt-4o',
    provider: 'openai',
    model: 'gpt-4o',
    provider_key: `env:OPENAI_API_KEY …${OPENAI_KEY.slice(-4)}`,
    status: 200,
    outcome: 'ok',
    error_code: null,
    input_tokens: 1000,
    output_tokens: 300,
    cached_tokens: 400,
    cache_write_tokens: 200,
    reasoning_tokens: 120,
    incomplete: false,
    cost_usd: 0.0123,
    price_source: 'test',
    latency_ms: 2500,
    first_byte_ms: 900,
    overhead_ms: 0.2,
    attempts: [{ attempt: 1, provider: 'openai', provider_key: `env:OPENAI_API_KEY …${OPENAI_KEY.slice(-4)}`, model: 'gpt-4o', status: 200, ok: true, error_code: null, error: null, upstream_ms: 880 }],
    cache: null,
    ...over,
  });

  test('every token type, the cost, the buckets and the attempt results', async () => {
    metrics.sink.write(record({}));
    metrics.sink.write(
      record({
        router: null,
        endpoint: 'passthrough',
        model: null,
        provider_key: 'none',
        status: 502,
        outcome: 'error',
        input_tokens: null,
        output_tokens: null,
        cached_tokens: null,
        cache_write_tokens: null,
        reasoning_tokens: null,
        cost_usd: null,
        latency_ms: 5000,
        first_byte_ms: null,
        overhead_ms: null,
        attempts: [
          { attempt: 1, provider: 'openai', provider_key: 'none', model: 'x', status: null, ok: false, error_code: 'upstream_unreachable', error: 'connect ECONNREFUSED', upstream_ms: 0 },
          { attempt: 2, provider: 'openai', provider_key: 'none', model: 'x', status: 504, ok: false, error_code: 'upstream_timeout', error: 'no response', upstream_ms: 30_000 },
          { attempt: 3, provider: 'openai', provider_key: 'none', model: 'x', status: 400, ok: false, error_code: 'invalid_request_error', error: 'bad', upstream_ms: 10 },
          { attempt: 4, provider: 'openai', provider_key: 'none', model: 'x', status: 500, ok: false, error_code: 'server_error', error: 'boom', upstream_ms: 10 },
        ],
      }),
    );
    const page = await metrics.render();
    const samples = parseSamples(page.body);
    const tokens = (type: string): number => total(samples, 'ai_gateway_tokens_total', { provider: 'openai', model: 'gpt-4o', type });
    assert.deepEqual(['input', 'output', 'cached', 'cache_write', 'reasoning'].map(tokens), [1000, 300, 400, 200, 120]);
    assert.equal(total(samples, 'ai_gateway_cost_usd_total', { provider: 'openai', model: 'gpt-4o', router: '/ai' }), 0.0123);
    assert.equal(total(samples, 'ai_gateway_requests_total', { router: 'passthrough', model: 'none', status: '502', outcome: 'error' }), 1);
    assert.equal(total(samples, 'ai_gateway_provider_key_requests_total', { provider: 'openai', key: 'none' }), 1);
    const results = Object.fromEntries(samples.filter((s) => s.name === 'ai_gateway_upstream_attempts_total').map((s) => [s.labels.result, s.value]));
    assert.deepEqual(results, { ok: 1, unreachable: 1, timeout: 1, client_error: 1, error: 1 });
    // 2.5 s falls in the 5 s bucket, not the 2 s one, and so does 5 s (le is inclusive); 0.2 ms
    // of overhead in the 0.25 ms bucket.
    const bucket = (name: string, le: string): number => total(samples, name, { le });
    assert.equal(bucket('ai_gateway_request_duration_seconds_bucket', '2'), 0);
    assert.equal(bucket('ai_gateway_request_duration_seconds_bucket', '5'), 2);
    assert.equal(bucket('ai_gateway_request_duration_seconds_bucket', '600'), 2);
    assert.equal(bucket('ai_gateway_time_to_first_byte_seconds_bucket', '1'), 1);
    assert.equal(bucket('ai_gateway_overhead_seconds_bucket', '0.0001'), 0);
    assert.equal(bucket('ai_gateway_overhead_seconds_bucket', '0.00025'), 1);
    assert.equal(total(samples, 'ai_gateway_overhead_seconds_count'), 1, 'no overhead without a first byte');
  });

  test('/metrics is 404 while metrics are disabled (no metrics on the gateway)', async () => {
    const res = await fetch(`${gw.url}/metrics`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /metrics\.enabled: false/);
    const post = await fetch(`${gw.url}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    await post.text();
  });
});
