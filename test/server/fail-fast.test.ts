/**
 * Failing fast and saying what happened, in process against `src` with the official openai
 * client: a hung provider loses a stream to the next one after the stream first-byte timeout
 * while a slow non-streamed answer is waited for; a connect timeout says so; a router failure
 * lists every attempt; a full upstream pool refuses quickly with 503 and other providers keep
 * serving; the event lines and the access line's outcome tell each story.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startInProcess, type InProcessGateway, type LogLine } from '../helpers/in-process.js';
import { closedPort, gatewayClient } from '../helpers/clients.js';
import { recordedOpenAIText, startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startHeldStreamServer, startSilentServer, type HeldStreamServer, type SilentServer } from '../simulators/stalling.js';

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
const ENV = {
  BACKUP_API_KEY: 'k-backup-1111',
  SLOW_API_KEY: 'k-slow-2222',
  HUNG_API_KEY: 'k-hung-3333',
  SILENTTLS_API_KEY: 'k-tls-4444',
  DEADEND_API_KEY: 'k-dead-5555',
  ANTHROPIC_API_KEY: 'k-anthropic-6666',
  HELD_API_KEY: 'k-held-7777',
};

const client = (gw: InProcessGateway, path: string): OpenAI => gatewayClient(gw.url, path);

const accessLine = (gw: InProcessGateway, requestId: string) => gw.waitForLine((l) => l.msg === 'request' && l.requestId === requestId);
const eventsOf = (gw: InProcessGateway, requestId: string): LogLine[] => gw.lines().filter((l) => l.requestId === requestId && l.event !== undefined);

describe('timeouts, failure messages and event lines', () => {
  let backup: OpenAISimulator;
  let slow: OpenAISimulator;
  let silent: SilentServer;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;

  before(async () => {
    backup = await startOpenAISimulator({ apiKey: ENV.BACKUP_API_KEY });
    slow = await startOpenAISimulator({ apiKey: ENV.SLOW_API_KEY });
    silent = await startSilentServer();
    anthropic = await startAnthropicSimulator({ apiKey: ENV.ANTHROPIC_API_KEY });
    const refused = await closedPort();
    const pair = (first: string) => `
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: ${first}, weight: 1}, {provider: backup, weight: 0.000001}]`;
    gw = await startInProcess({
      config: `
dispatcher:
  timeout: 5s
  connection-timeout: 300ms
  stream-first-byte-timeout: 300ms
discover:
  monitor:
    health:
      grace-period:
        min-requests: 1000
providers:
  backup:
    base-url: "${backup.url}v1"
    models: [gpt-4o-mini]
  slow:
    base-url: "${slow.url}v1"
    models: [gpt-4o-mini]
  hung:
    base-url: "${silent.url}v1"
    models: [gpt-4o-mini]
  silenttls:
    base-url: "https://127.0.0.1:${silent.port}/v1"
    models: [gpt-4o-mini]
  deadend:
    base-url: "http://127.0.0.1:${refused}/v1"
    models: [gpt-4o-mini]
  anthropic:
    base-url: "${anthropic.url}"
routers:
  hung-first:${pair('hung')}
  slow-first:${pair('slow')}
  tls-first:${pair('silenttls')}
  tls-only:
    load-balance:
      chat:
        strategy: latency
        providers: [silenttls]
  every:
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: deadend, weight: 1}, {provider: anthropic, weight: 0.000001}]
`,
      env: ENV,
    });
  });

  after(async () => {
    await gw?.close();
    await Promise.all([backup?.close(), slow?.close(), silent?.close(), anthropic?.close()]);
  });

  test('a stream whose provider never answers falls back after the stream first-byte timeout', async () => {
    const before = silent.connections;
    const started = Date.now();
    const { data: stream, response } = await client(gw, '/router/hung-first')
      .chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    const elapsed = Date.now() - started;
    assert.equal(text, recordedOpenAIText());
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.equal(silent.connections, before + 1, 'the hung provider was tried first');
    assert.ok(elapsed >= 250 && elapsed < 3_000, `took ${elapsed}ms`);

    const id = response.headers.get('x-request-id') as string;
    const access = await accessLine(gw, id);
    assert.equal(access.outcome, 'ok');
    assert.equal(access.attempts, 2);
    const events = eventsOf(gw, id);
    assert.deepEqual(
      events.map((e) => [e.event, e.provider]),
      [
        ['attempt_failed', 'hung'],
        ['fallback', 'backup'],
      ],
    );
    assert.equal(events[0]!.code, 'upstream_timeout');
    assert.match(String(events[0]!.reason), /no response within 300ms \(first-byte timeout\)/);
    assert.equal(events[1]!.from, 'hung');
  });

  test('a non-streaming request waits for a slow answer: the stream timeout does not apply', async () => {
    // undici checks header timeouts on a ~0.5s tick, so "slow" here is well past 300ms.
    slow.setNext({ delayMs: 2_500 });
    const { data, response } = await client(gw, '/router/slow-first').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(data.choices[0]?.message.content, 'Hello from the simulator.');
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'slow');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '1');
    // The same delay on a stream is a hang: the backup takes it.
    slow.setNext({ delayMs: 2_500 });
    const streamed = await client(gw, '/router/slow-first').chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).withResponse();
    for await (const _ of streamed.data) {
      // drain
    }
    assert.equal(streamed.response.headers.get('x-ai-gateway-provider'), 'backup');
  });

  test('a connect timeout says it could not connect, not that the model is slow', async () => {
    const started = Date.now();
    await assert.rejects(client(gw, '/router/tls-only').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 504);
      assert.equal(err.code, 'upstream_connect_timeout');
      assert.match(err.message, /silenttls: could not open a connection within 300ms \(connect timeout\)/);
      assert.doesNotMatch(err.message, /slow/);
      return true;
    });
    assert.ok(Date.now() - started < 3_000);
    // And it falls back like any other failure.
    const { response } = await client(gw, '/router/tls-first').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
  });

  test("a router failure's message lists every attempt", async () => {
    anthropic.setNext({ kind: 'error', status: 529, message: 'Overloaded' });
    await assert.rejects(client(gw, '/router/every').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 503);
      assert.equal(err.message, '503 Router "every": 2 attempts failed — deadend: connect ECONNREFUSED; anthropic: 503 Overloaded.');
      const id = err.headers?.get('x-request-id') as string;
      assert.ok(id);
      return true;
    });
  });

  test('a passthrough request that cannot reach its provider says why, in the response and in an event line', async () => {
    const res = await fetch(`${gw.url}/deadend/v1/models`, { headers: { 'x-request-id': 'pass-dead-1' } });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'upstream_unreachable');
    assert.match(body.error.message, /^deadend: could not be reached — the connection was refused/);
    const failed = await gw.waitForLine((l) => l.event === 'attempt_failed' && l.requestId === 'pass-dead-1');
    assert.equal(failed.reason, 'connect ECONNREFUSED');
    assert.equal((await accessLine(gw, 'pass-dead-1')).outcome, 'error');
  });

  test('the access line tells error from ok, and names the outcome of a client that left', async () => {
    // A client that gives up while the provider is silent: no status was ever sent.
    const controller = new AbortController();
    const pending = fetch(`${gw.url}/router/tls-only/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-left-1' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending);
    const gone = await accessLine(gw, 'client-left-1');
    assert.equal(gone.outcome, 'client_gone');
    assert.equal(gone.status, 499);

    const bad = await fetch(`${gw.url}/router/every/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad-1' },
      body: '{"model":',
    });
    assert.equal(bad.status, 400);
    const error = await accessLine(gw, 'bad-1');
    assert.equal(error.outcome, 'error');
    assert.equal(error.status, 400);
  });
});

describe('streams that hold their connection, or break off', () => {
  let held: HeldStreamServer;
  let other: OpenAISimulator;
  let gw: InProcessGateway;

  before(async () => {
    held = await startHeldStreamServer();
    other = await startOpenAISimulator({ apiKey: ENV.BACKUP_API_KEY });
    gw = await startInProcess({
      config: `
dispatcher:
  max-connections: 3
  max-queued: 1
  queue-timeout: 400ms
discover:
  monitor:
    health:
      grace-period:
        min-requests: 1
providers:
  held:
    base-url: "${held.url}v1"
    models: [gpt-4o-mini]
  backup:
    base-url: "${other.url}v1"
    models: [gpt-4o-mini]
routers:
  held:
    load-balance:
      chat:
        strategy: latency
        providers: [held]
  other:
    load-balance:
      chat:
        strategy: latency
        providers: [backup]
`,
      env: ENV,
    });
  });

  after(async () => {
    await gw?.close();
    await Promise.all([held?.close(), other?.close()]);
  });

  const chat = (router: string, id: string, stream = false) =>
    fetch(`${gw.url}/router/${router}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream }),
    });

  /** `n` streams the provider holds open, each holding one of the gateway's connections. */
  async function holdStreams(n: number): Promise<Response[]> {
    const streams = await Promise.all(Array.from({ length: n }, (_, i) => chat('held', `held-${Date.now()}-${i}`, true)));
    await held.waitForHeld(n);
    return streams;
  }

  test('refuses at once with 503 when its queue is full, 503 after the queue timeout, and other providers keep flowing', { timeout: 20_000 }, async () => {
    // Streams whose clients stop reading hold their upstream connections: here the provider holds them.
    const streams = await holdStreams(3);

    const waitStarted = Date.now();
    const waiting = chat('held', 'pool-wait-1');
    await new Promise((r) => setTimeout(r, 50));
    const refusedStarted = Date.now();
    const refused = await chat('held', 'pool-full-1');
    assert.ok(Date.now() - refusedStarted < 300, 'refused without waiting');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    const refusedBody = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(refusedBody.error.code, 'upstream_pool_exhausted');
    assert.match(refusedBody.error.message, /all 3 gateway connections to this provider are busy and 1 requests are already waiting/);

    // Another provider is not held up by the full pool.
    const flowing = await chat('other', 'pool-other-1');
    assert.equal(flowing.status, 200);

    const waited = await waiting;
    const waitedMs = Date.now() - waitStarted;
    assert.equal(waited.status, 503);
    assert.equal(((await waited.json()) as { error: { code: string } }).error.code, 'upstream_pool_exhausted');
    assert.ok(waitedMs >= 350 && waitedMs < 3_000, `waited ${waitedMs}ms`);
    assert.equal(held.requests, 3, 'nothing past the pool reached the provider');

    const failed = await gw.waitForLine((l) => l.event === 'attempt_failed' && l.requestId === 'pool-full-1');
    assert.equal(failed.code, 'upstream_pool_exhausted');

    // Once the streams end, the provider serves again — the gateway's own limit did not eject it.
    held.release();
    for (const s of streams) assert.match(await s.text(), /\[DONE\]/);
    const again = await chat('held', 'pool-after-1');
    assert.equal(again.status, 200);
    assert.equal(gw.lines().filter((l) => l.event === 'provider_ejected').length, 0);
  });

  test('a request waiting for a connection is sent as soon as one comes free', { timeout: 20_000 }, async () => {
    const streams = await holdStreams(3);
    const waiting = chat('held', 'pool-wait-2');
    await new Promise((r) => setTimeout(r, 100));
    held.release();
    const res = await waiting;
    assert.equal(res.status, 200);
    for (const s of streams) await s.text();
  });

  // Last: with min-requests 1 the cut ejects the provider.
  test('a stream cut mid-way is `interrupted` on the access line, with stream_interrupted and provider_ejected events', async () => {
    other.setNext({ dropAfterChunks: 3 });
    const res = await fetch(`${gw.url}/router/other/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'cut-1' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true }),
    });
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /upstream_stream_interrupted/);
    const access = await accessLine(gw, 'cut-1');
    assert.equal(access.outcome, 'interrupted');
    assert.equal(access.status, 200);
    const cut = await gw.waitForLine((l) => l.event === 'stream_interrupted' && l.requestId === 'cut-1');
    assert.equal(cut.provider, 'backup');
    assert.match(String(cut.reason), /cut off mid-response/);
    const ejected = await gw.waitForLine((l) => l.event === 'provider_ejected' && l.requestId === 'cut-1');
    assert.equal(ejected.provider, 'backup');
  });
});
