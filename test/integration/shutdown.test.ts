/**
 * Graceful shutdown: in flight requests and streams finish and the process exits as soon as
 * they have; at server.shutdown-timeout open streams end with a `gateway_shutting_down` SSE
 * error event; a second signal exits at once. In process against src (drainServer) and as the
 * real process (dist/cli.js, SIGTERM).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway } from '../../src/config/compile.js';
import { createLogging } from '../../src/observability/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { drainServer } from '../../src/server/shutdown.js';
import { startGateway } from '../helpers/gateway.js';
import { startSlowUpstream, type SlowUpstream } from '../helpers/slow-upstream.js';

const KEY = 'test-openai-key-shutdown';
const configFor = (up: SlowUpstream, extra = ''): string =>
  `${extra}providers:\n  openai: { base-url: "${up.url}" }\nrouters:\n  r: { load-balance: { chat: { strategy: latency, providers: [openai] } } }\n`;

async function inProcess(up: SlowUpstream): Promise<{ gw: Gateway; server: Server; url: string }> {
  const env = { OPENAI_API_KEY: KEY };
  const { config } = parseConfigText(configFor(up), 'test', env);
  const gw = createGateway(compileGateway(config, env, { embedded: false, source: 'test' }), createLogging('silent'));
  const server = createHttpServer(gw);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { gw, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const client = (url: string): OpenAI => new OpenAI({ baseURL: `${url}/router/r`, apiKey: 'client-key', maxRetries: 0 });
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

/** Reads a stream to its end; resolves with its text and the time the last byte came. */
async function readStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<string> {
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  return text;
}

test('drain: the stream in flight finishes, the drain ends with it (not at the timeout), idle keep-alive connections close at once', async () => {
  const up = await startSlowUpstream({ events: 8, gapMs: 200 });
  const { gw, server, url } = await inProcess(up);
  try {
    // An idle keep-alive connection, left over from an earlier request.
    const agent = new Agent({ keepAlive: true });
    const idleClosed = new Promise<number>((resolve) => {
      const req = request(`${url}/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => req.socket?.once('close', () => resolve(performance.now())));
      });
      req.end();
    });
    await new Promise((r) => setTimeout(r, 50));

    // A shorter stream on another keep-alive connection: once it has ended (during the drain), its connection closes.
    const shortAgent = new Agent({ keepAlive: true });
    const shortDone = new Promise<{ ended: number; closed: number }>((resolve) => {
      const req = request(`${url}/router/r/chat/completions`, { method: 'POST', agent: shortAgent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => {
          const ended = performance.now();
          req.socket?.once('close', () => resolve({ ended, closed: performance.now() }));
        });
      });
      req.end(JSON.stringify({ ...ask, stream: true, max_tokens: 5 }));
    });
    const stream = await client(url).chat.completions.create({ ...ask, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    const began = performance.now();
    const drain = drainServer(server, gw, 20_000);
    assert.equal(drain.inFlight, 2);
    const rest = readStream({ [Symbol.asyncIterator]: () => iterator });
    // New connections are refused while the stream goes on.
    await assert.rejects(fetch(`${url}/health`));
    assert.equal(await drain.done, 'drained');
    const drainedAfter = performance.now() - began;
    assert.equal(await rest, 'w1 w2 w3 w4 w5 w6 w7 ');
    assert.equal(up.finished, 2);
    // ~1.4 s of stream were left; the timeout was 20 s.
    assert.ok(drainedAfter > 1000 && drainedAfter < 6000, `drained after ${drainedAfter} ms`);
    assert.ok((await idleClosed) - began < 1000, 'the idle connection was closed at once');
    const short = await shortDone;
    assert.ok(short.closed - short.ended < 500 && short.closed < began + drainedAfter, 'the short stream’s connection closed when it ended');
    agent.destroy();
    shortAgent.destroy();
  } finally {
    server.closeAllConnections();
    await up.close();
  }
});

test('drain timeout: open streams end with a gateway_shutting_down SSE error event, a request still waiting gets a 503', async () => {
  const up = await startSlowUpstream({ events: 40, gapMs: 100, delayMs: 5000 });
  const { gw, server, url } = await inProcess(up);
  try {
    const sdkStream = await client(url).chat.completions.create({ ...ask, stream: true });
    const sdkRead = readStream(sdkStream).then(
      () => undefined,
      (err: unknown) => err,
    );
    // The raw bytes, through the router (piped) and through the passthrough.
    const raw = async (path: string): Promise<string> => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer client' },
        body: JSON.stringify({ ...ask, stream: true }),
      });
      assert.equal(res.status, 200);
      return res.text();
    };
    const routed = raw('/router/r/chat/completions');
    const passthrough = raw('/openai/v1/chat/completions');
    const waiting = client(url).chat.completions.create(ask).then(
      () => undefined,
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 300));
    const began = performance.now();
    const drain = drainServer(server, gw, 400);
    assert.equal(drain.inFlight, 4);
    assert.equal(await drain.done, 'timeout');
    assert.ok(performance.now() - began < 2500);

    const sdkError = await sdkRead;
    assert.ok(sdkError instanceof OpenAI.APIError, String(sdkError));
    assert.equal(sdkError.code, 'gateway_shutting_down');
    // The body ended normally (no reset), its last event the error.
    const routedText = await routed;
    assert.match(routedText, /\n\ndata: \{"error":\{"message":"The gateway is shutting down[^\n]*"code":"gateway_shutting_down"\}\}\n\n$/);
    assert.match(await passthrough, /\n\nevent: error\ndata: \{"error":\{[^\n]*"code":"gateway_shutting_down"\}\}\n\n$/);
    const waitError = await waiting;
    assert.ok(waitError instanceof OpenAI.APIError);
    assert.equal(waitError.status, 503);
    assert.equal(waitError.code, 'gateway_shutting_down');
  } finally {
    server.closeAllConnections();
    await up.close();
  }
});

function exited(child: import('node:child_process').ChildProcess): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, at: performance.now() })));
}

const countLines = (output: string, pattern: RegExp): number => output.split('\n').filter((l) => pattern.test(l)).length;

for (const workers of [1, 2]) {
  test(`SIGTERM${workers > 1 ? ' with --workers 2' : ''}: one log line, the stream finishes, exit 0 as soon as it has`, async () => {
    const up = await startSlowUpstream({ events: 8, gapMs: 200 });
    const gw = await startGateway({ config: configFor(up), env: { OPENAI_API_KEY: KEY }, args: ['--workers', String(workers)] });
    try {
      const stream = await client(gw.url).chat.completions.create({ ...ask, stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const exit = exited(gw.child);
      const began = performance.now();
      gw.child.kill('SIGTERM');
      assert.equal(await readStream({ [Symbol.asyncIterator]: () => iterator }), 'w1 w2 w3 w4 w5 w6 w7 ');
      const { code, at } = await exit;
      assert.equal(code, 0, gw.output());
      // ~1.4 s of stream were left; server.shutdown-timeout is 30 s.
      assert.ok(at - began < 6000, `exited after ${at - began} ms`);
      assert.equal(countLines(gw.output(), /shutting down/), 1, gw.output());
      assert.match(gw.output(), /"msg":"shutting down: 1 requests in flight"/);
    } finally {
      await gw.stop();
      await up.close();
    }
  });
}

test('a second signal exits at once', async () => {
  const up = await startSlowUpstream({ events: 100, gapMs: 200 });
  const gw = await startGateway({ config: configFor(up), env: { OPENAI_API_KEY: KEY } });
  try {
    const stream = await client(gw.url).chat.completions.create({ ...ask, stream: true });
    const read = readStream(stream).catch(() => 'cut');
    await new Promise((r) => setTimeout(r, 200));
    const exit = exited(gw.child);
    gw.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(gw.child.exitCode, null, 'still draining after the first signal');
    const began = performance.now();
    gw.child.kill('SIGTERM');
    const { code, at } = await exit;
    assert.equal(code, 1);
    assert.ok(at - began < 1000, `exited ${at - began} ms after the second signal`);
    assert.equal(await read, 'cut');
    assert.match(gw.output(), /second signal: exiting now with 1 requests in flight/);
  } finally {
    await gw.stop();
    await up.close();
  }
});
