/**
 * The real gateway process (dist/cli.js) with the official openai client: a stream whose
 * provider accepts the connection and never answers is served by the fallback provider after
 * the stream first-byte timeout, and the gateway's output tells the story — event lines for the
 * failed attempt, the fallback, retries, ejection, re-admission and 429 cool-downs, and the
 * access line's outcome. A full upstream pool answers 503 `upstream_pool_exhausted` at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { gatewayClient } from '../helpers/clients.js';
import { recordedOpenAIText, startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startHeldStreamServer, startSilentServer, type HeldStreamServer, type SilentServer } from '../simulators/stalling.js';

const ENV = { BACKUP_API_KEY: 'k-backup-1111', HUNG_API_KEY: 'k-hung-2222', FLAKY_API_KEY: 'k-flaky-3333', HELD_API_KEY: 'k-held-4444' };
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

type Line = Record<string, unknown>;

/** The gateway's JSON lines for one request id (lines are batched: wait until `count` are there). */
async function linesFor(gw: GatewayProcess, requestId: string, count: number): Promise<Line[]> {
  const until = Date.now() + 3_000;
  for (;;) {
    const lines = gw
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.requestId === requestId);
    if (lines.length >= count || Date.now() > until) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const client = (gw: GatewayProcess, path: string, requestId: string): OpenAI => gatewayClient(gw.url, path, requestId);

describe('failing fast, and the log that tells it', () => {
  let backup: OpenAISimulator;
  let flaky: OpenAISimulator;
  let silent: SilentServer;
  let held: HeldStreamServer;
  let gw: GatewayProcess;

  before(async () => {
    backup = await startOpenAISimulator({ apiKey: ENV.BACKUP_API_KEY });
    flaky = await startOpenAISimulator({ apiKey: ENV.FLAKY_API_KEY });
    silent = await startSilentServer();
    held = await startHeldStreamServer();
    gw = await startGateway({
      config: `
dispatcher:
  timeout: 10s
  stream-first-byte-timeout: 500ms
  max-connections: 2
  max-queued: 0
discover:
  monitor:
    health:
      interval: 1s
      grace-period:
        min-requests: 1
providers:
  backup:
    base-url: "${backup.url}v1"
    models: [gpt-4o-mini]
  hung:
    base-url: "${silent.url}v1"
    models: [gpt-4o-mini]
  flaky:
    base-url: "${flaky.url}v1"
    models: [gpt-4o-mini]
  held:
    base-url: "${held.url}v1"
    models: [gpt-4o-mini]
routers:
  hung-first:
    load-balance:
      chat:
        strategy: weighted
        providers: [{provider: hung, weight: 1}, {provider: backup, weight: 0.000001}]
  flaky:
    load-balance:
      chat:
        strategy: latency
        providers: [flaky]
    retries:
      strategy: constant
      delay: 50ms
      max-retries: 1
  held:
    load-balance:
      chat:
        strategy: latency
        providers: [held]
`,
      env: ENV,
    });
  });

  after(async () => {
    await gw?.stop();
    await Promise.all([backup?.close(), flaky?.close(), silent?.close(), held?.close()]);
  });

  test('a hung provider loses the stream to the fallback; one line per failure and fallback, access outcome ok', async () => {
    const before = silent.connections;
    const started = Date.now();
    const { data: stream, response } = await client(gw, '/router/hung-first', 'hung-stream-1')
      .chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, recordedOpenAIText());
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'backup');
    assert.equal(silent.connections, before + 1);
    assert.ok(Date.now() - started < 4_000);

    const lines = await linesFor(gw, 'hung-stream-1', 4);
    assert.deepEqual(
      lines.map((l) => [l.msg, l.event ?? null, l.provider]),
      [
        ['attempt failed', 'attempt_failed', 'hung'],
        // min-requests 1: one timeout is enough to take it out.
        ['provider ejected', 'provider_ejected', 'hung'],
        ['falling back to another provider', 'fallback', 'backup'],
        ['request', null, 'backup'],
      ],
    );
    assert.match(String(lines[0]!.reason), /no response within 500ms \(first-byte timeout\)/);
    assert.equal(lines[3]!.outcome, 'ok');
    assert.equal(lines[3]!.attempts, 2);
  });

  test('retry, ejection, 429 cool-down and re-admission are event lines', async () => {
    flaky.setNext({ status: 500 });
    flaky.setNext({ status: 429, headers: { 'retry-after': '0' } });
    await assert.rejects(client(gw, '/router/flaky', 'flaky-1').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 429);
      assert.match(err.message, /Router "flaky": 2 attempts failed — flaky: 500 simulated failure; flaky: 429 simulated failure/);
      return true;
    });
    const failing = await linesFor(gw, 'flaky-1', 6);
    assert.deepEqual(
      failing.map((l) => l.event ?? l.msg),
      ['attempt_failed', 'provider_ejected', 'retry', 'attempt_failed', 'provider_cooling_down', 'request'],
    );
    assert.equal(failing[5]!.outcome, 'error');
    assert.equal(failing[5]!.status, 429);

    await new Promise((r) => setTimeout(r, 1_200));
    await client(gw, '/router/flaky', 'flaky-2').chat.completions.create({ model: 'gpt-4o-mini', messages });
    const healed = await linesFor(gw, 'flaky-2', 2);
    assert.deepEqual(
      healed.map((l) => l.event ?? l.msg),
      ['provider_readmitted', 'request'],
    );
  });

  test('a full upstream pool answers 503 upstream_pool_exhausted at once', { timeout: 20_000 }, async () => {
    const streams = await Promise.all(
      [1, 2].map(() =>
        fetch(`${gw.url}/router/held/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true }),
        }),
      ),
    );
    await held.waitForHeld(2);
    const started = Date.now();
    await assert.rejects(client(gw, '/router/held', 'pool-1').chat.completions.create({ model: 'gpt-4o-mini', messages }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 503);
      assert.equal(err.code, 'upstream_pool_exhausted');
      return true;
    });
    assert.ok(Date.now() - started < 1_000);
    held.release();
    for (const s of streams) await s.text();
    const res = await client(gw, '/router/held', 'pool-2').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(res.choices[0]?.message.content, 'Not held.');
  });
});
