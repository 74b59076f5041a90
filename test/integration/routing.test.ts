/**
 * Routing end to end: the real gateway process, the official openai client (no client-side
 * retries) and several OpenAI simulators acting as separate providers. Shows fallback, streams
 * falling back before their first byte, nothing retried after it, 429 cool-down, ejection with
 * a fast 503 and half-open re-admission, retries, and per-router timeouts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { closedPort, gatewayClient } from '../helpers/clients.js';
import { recordedOpenAIText, startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const KEYS = { OPENAI_API_KEY: 'k-openai-0000', BACKUP_API_KEY: 'k-backup-1111', SPARE_API_KEY: 'k-spare-2222', FLAKY_API_KEY: 'k-flaky-3333', DEADEND_API_KEY: 'k-deadend-4444' };
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

function client(gw: GatewayProcess, path: string): OpenAI {
  return gatewayClient(gw.url, path);
}

/** Requests each simulator received since `mark()`. */
function counter(sims: Record<string, OpenAISimulator>) {
  const base: Record<string, number> = {};
  const mark = () => {
    for (const [k, s] of Object.entries(sims)) base[k] = s.requests.length;
  };
  const delta = () => Object.fromEntries(Object.entries(sims).map(([k, s]) => [k, s.requests.length - base[k]]));
  mark();
  return { mark, delta };
}

describe('fallback, retries and timeouts', () => {
  let a: OpenAISimulator;
  let b: OpenAISimulator;
  let c: OpenAISimulator;
  let gw: GatewayProcess;
  let count: ReturnType<typeof counter>;

  before(async () => {
    a = await startOpenAISimulator({ apiKey: KEYS.OPENAI_API_KEY });
    b = await startOpenAISimulator({ apiKey: KEYS.BACKUP_API_KEY });
    c = await startOpenAISimulator({ apiKey: KEYS.SPARE_API_KEY });
    const refused = await closedPort();
    // Weights 1 : 0.000001 make the order primary-then-backup for all practical purposes.
    gw = await startGateway({
      config: `
dispatcher:
  timeout: 5s
discover:
  monitor:
    health:
      grace-period:
        min-requests: 1000
providers:
  openai:
    base-url: "${a.url}"
  backup:
    base-url: "${b.url}v1"
    models: [gpt-4o-mini, text-embedding-3-small]
  spare:
    base-url: "${c.url}v1"
    models: [gpt-4o-mini]
  deadend:
    base-url: "http://127.0.0.1:${refused}/v1"
    models: [gpt-4o-mini]
routers:
  primary:
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: openai, weight: 1}, {provider: backup, weight: 0.000001}]
  refused:
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: deadend, weight: 1}, {provider: backup, weight: 0.000001}]
  limited:
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: spare, weight: 1}, {provider: backup, weight: 0.000001}]
  retrying:
    load-balance:
      chat:
        strategy: latency
        providers: [backup]
    retries:
      strategy: constant
      delay: 100ms
      max-retries: 2
  quick:
    load-balance:
      chat:
        strategy: latency
        providers: [openai]
    dispatcher:
      timeout: 300ms
  impatient:
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: openai, weight: 1}, {provider: backup, weight: 0.000001}]
    dispatcher:
      first-byte-timeout: 300ms
`,
      env: KEYS,
    });
    count = counter({ a, b, c });
  });

  after(async () => {
    await gw?.stop();
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  test('5xx from the first provider → answered by the second, attempts = 2', async () => {
    count.mark();
    a.setNext({ status: 503 });
    const { data, response } = await client(gw, '/router/primary').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(data.choices[0].message.content, 'Hello from the simulator.');
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.deepEqual(count.delta(), { a: 1, b: 1, c: 0 });
  });

  test('connection refused → the second provider, attempts = 2', async () => {
    count.mark();
    const { response } = await client(gw, '/router/refused').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.deepEqual(count.delta(), { a: 0, b: 1, c: 0 });
  });

  test('a stream whose provider sends headers and then drops falls back before its first byte', async () => {
    count.mark();
    a.setNext({ dropAfterHeaders: true });
    const { data: stream, response } = await client(gw, '/router/primary')
      .chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, recordedOpenAIText());
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.deepEqual(count.delta(), { a: 1, b: 1, c: 0 });
  });

  test('a stream whose first provider answers 5xx falls back too', async () => {
    a.setNext({ status: 500 });
    const { response, data: stream } = await client(gw, '/router/primary')
      .chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })
      .withResponse();
    for await (const _ of stream) {
      // drain
    }
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
  });

  test('nothing is retried once the first byte went out: a mid-stream drop reaches the client', async () => {
    count.mark();
    a.setNext({ dropAfterChunks: 3 });
    const stream = await client(gw, '/router/primary').chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const _ of stream) chunks++;
    });
    assert.ok(chunks >= 1, 'the client got the start of the answer');
    assert.deepEqual(count.delta(), { a: 1, b: 0, c: 0 });
  });

  test('a 4xx is not retried', async () => {
    count.mark();
    a.setNext({ status: 400, body: { error: { message: 'bad parameter', type: 'invalid_request_error', param: 'temperature', code: null } } });
    await assert.rejects(client(gw, '/router/primary').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal(err.headers?.get('x-ai-gateway-attempts'), '1');
      return true;
    });
    assert.deepEqual(count.delta(), { a: 1, b: 0, c: 0 });
  });

  test('a 429 cools the provider down: the request falls back, later ones route around it', async () => {
    count.mark();
    c.setNext({ status: 429, headers: { 'retry-after': '30' }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const first = await client(gw, '/router/limited').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(first.response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(first.response.headers.get('x-ai-gateway-attempts'), '2');
    for (let i = 0; i < 5; i++) {
      const { response } = await client(gw, '/router/limited').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
      assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
      assert.equal(response.headers.get('x-ai-gateway-attempts'), '1');
    }
    assert.deepEqual(count.delta(), { a: 0, b: 6, c: 1 });
  });

  test('retries on the same provider with backoff when it is the only one', async () => {
    count.mark();
    b.setNext({ status: 503 });
    b.setNext({ status: 502 });
    const started = Date.now();
    const { response } = await client(gw, '/router/retrying').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '3');
    assert.ok(Date.now() - started >= 100, 'two backoffs of 50–100ms each');
    assert.deepEqual(count.delta(), { a: 0, b: 3, c: 0 });
  });

  test('embeddings fall back too', async () => {
    a.setNext({ status: 502 });
    const { response } = await client(gw, '/router/primary').embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).withResponse();
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
  });

  test("a router's dispatcher.timeout overrides the global one", async () => {
    a.setNext({ delayMs: 1_500 });
    const started = Date.now();
    await assert.rejects(client(gw, '/router/quick').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 504);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 1_200, `took ${elapsed}ms`);
    // The same provider with the global 5s timeout answers the slow request.
    a.setNext({ delayMs: 700 });
    const res = await client(gw, '/router/primary').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(res.object, 'chat.completion');
  });

  test('a first-byte timeout falls back to the next provider', async () => {
    count.mark();
    a.setNext({ hang: true });
    const started = Date.now();
    const { response } = await client(gw, '/router/impatient').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.ok(Date.now() - started < 2_000);
    assert.deepEqual(count.delta(), { a: 1, b: 1, c: 0 });
  });
});

describe('ejection, fast 503 and re-admission', () => {
  let flaky: OpenAISimulator;
  let gw: GatewayProcess;

  before(async () => {
    flaky = await startOpenAISimulator({ apiKey: KEYS.FLAKY_API_KEY });
    const [p1, p2] = [await closedPort(), await closedPort()];
    gw = await startGateway({
      config: `
discover:
  monitor:
    health:
      ratio: 0.1
      interval: 1s
      grace-period:
        min-requests: 1
providers:
  down1:
    base-url: "http://127.0.0.1:${p1}/v1"
    models: [gpt-4o-mini]
  down2:
    base-url: "http://127.0.0.1:${p2}/v1"
    models: [gpt-4o-mini]
  flaky:
    base-url: "${flaky.url}v1"
    models: [gpt-4o-mini]
routers:
  dead:
    load-balance:
      chat:
        strategy: latency
        providers: [down1, down2]
  flaky:
    load-balance:
      chat:
        strategy: latency
        providers: [flaky]
`,
      env: { DOWN1_API_KEY: 'x', DOWN2_API_KEY: 'y', FLAKY_API_KEY: KEYS.FLAKY_API_KEY },
    });
  });

  after(async () => {
    await gw?.stop();
    await flaky?.close();
  });

  test('all providers down → 502 once, then a fast 503 with retry-after', async () => {
    await assert.rejects(client(gw, '/router/dead').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 502);
      assert.equal(err.headers?.get('x-ai-gateway-attempts'), '2');
      return true;
    });
    const started = Date.now();
    await assert.rejects(client(gw, '/router/dead').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 503);
      assert.equal(err.code, 'providers_unavailable');
      assert.equal(err.headers?.get('retry-after'), '1');
      assert.match(err.message, /down1 was taken out/);
      return true;
    });
    assert.ok(Date.now() - started < 200, 'answered without waiting');
  });

  test('an ejected provider is re-admitted by a successful trial request', async () => {
    flaky.setNext({ status: 500 });
    await assert.rejects(client(gw, '/router/flaky').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => err instanceof OpenAI.InternalServerError);
    const before = flaky.requests.length;
    await assert.rejects(client(gw, '/router/flaky').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 503);
      return true;
    });
    assert.equal(flaky.requests.length, before, 'nothing sent while ejected');
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await client(gw, '/router/flaky').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(res.object, 'chat.completion');
    const again = await client(gw, '/router/flaky').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(again.object, 'chat.completion');
  });
});
