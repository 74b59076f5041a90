/**
 * Bounded memory from upstream: a parsed (non-streamed, translated) answer over
 * `dispatcher.max-response-size` is refused with a 502 naming the limit, as soon as it passes
 * it — the gateway's peak RSS stays far below the body's size; one stream event that never
 * ends is cut off the same way, while a large event under the limit is translated whole; piped
 * answers are not held, so they are not limited.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { gatewayWithSimulator, openaiAndAnthropicAt } from '../helpers/gateway-with-simulator.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { startOversizedSimulator, type OversizedSimulator } from '../simulators/oversized.js';

const MiB = 1024 * 1024;
const ENV = { OPENAI_API_KEY: 'sk-limit-test-openai-0000', ANTHROPIC_API_KEY: 'sk-limit-test-anthropic-0000' };

const config = (simUrl: string, limit?: number): string =>
  openaiAndAnthropicAt(simUrl, limit ? `dispatcher:\n  max-response-size: ${limit}\n` : '');

function client(gw: { url: string }, router: string): OpenAI {
  return new OpenAI({ baseURL: `${gw.url}/router/${router}`, apiKey: 'client-key', maxRetries: 0, timeout: 120_000 });
}

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

/** Streams a Claude answer to its end; resolves with the error it failed with, if any. */
function readStream(gw: { url: string }): Promise<unknown> {
  return client(gw, 'an')
    .chat.completions.create({ model: 'claude-haiku-4-5', messages, stream: true })
    .then(async (stream) => {
      for await (const chunk of stream) void chunk;
    })
    .catch((e: unknown) => e);
}

/** Peak resident memory of a process so far, in MiB (Linux). */
async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

describe('the default limit (64 MiB)', () => {
  const ctx = gatewayWithSimulator(startOversizedSimulator, (sim) => config(sim.url), ENV);

  test('a 200 MiB Anthropic answer: 502 naming the limit, read no further, peak RSS bounded', { skip: process.platform !== 'linux' }, async () => {
    const { sim, gw } = ctx;
    const startPeak = await peakRssMiB(gw.child.pid!);
    sim.setNext({ kind: 'json', bytes: 200 * MiB });
    const err = await client(gw, 'an').chat.completions.create({ model: 'claude-haiku-4-5', messages }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'upstream_response_too_large');
    assert.match(err.message, /anthropic sent a response larger than the gateway's limit of 64 MiB \(dispatcher\.max-response-size\)/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(sim.aborted, 'the upstream response was abandoned');
    assert.ok(sim.sent < 100 * MiB, `the simulator sent ${Math.round(sim.sent / MiB)} MiB`);
    const peak = await peakRssMiB(gw.child.pid!);
    // The 64 MiB held plus buffers and allocator slack (measured +90–115 MiB); reading it all took 1.5 GB.
    assert.ok(peak < startPeak + 64 + 96, `peak RSS ${Math.round(peak)} MiB (from ${Math.round(startPeak)} MiB)`);
  });
});

describe('large stream events under the default limit', () => {
  const ctx = gatewayWithSimulator(startOversizedSimulator, (sim) => config(sim.url), ENV);

  // Raw HTTP: the openai SDK's own line decoding takes ~13 s on one 16 MiB line.
  test('a whole 16 MiB Claude text delta is translated and arrives in full', { timeout: 30_000 }, async () => {
    const { sim, gw } = ctx;
    sim.setNext({ kind: 'big-event', bytes: 16 * MiB });
    const res = await fetch(`${gw.url}/router/an/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client-key' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', messages, stream: true }),
    });
    assert.equal(res.status, 200);
    let length = 0;
    let finish: string | null = null;
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const chunk = JSON.parse(line.slice(6)) as OpenAI.ChatCompletionChunk;
      length += chunk.choices[0]?.delta?.content?.length ?? 0;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(length, 16 * MiB);
    assert.equal(finish, 'stop');
  });
});

describe('a configured limit (1 MiB)', () => {
  const ctx = gatewayWithSimulator(startOversizedSimulator, (sim) => config(sim.url, MiB), ENV);

  test('a parsed answer over the limit is refused; one under it is served', async () => {
    const { sim, gw } = ctx;
    sim.setNext({ kind: 'json', bytes: 2 * MiB });
    const err = await client(gw, 'an').chat.completions.create({ model: 'claude-haiku-4-5', messages }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.match(err.message, /limit of 1 MiB \(dispatcher\.max-response-size\)/);

    sim.setNext({ kind: 'json', bytes: 512 * 1024 });
    const ok = await client(gw, 'an').chat.completions.create({ model: 'claude-haiku-4-5', messages });
    assert.equal(ok.choices[0]?.message.content?.length, 512 * 1024);
  });

  test('a piped OpenAI answer is not held, so it is not limited', async () => {
    const { sim, gw } = ctx;
    sim.setNext({ kind: 'json', bytes: 3 * MiB });
    const ok = await client(gw, 'oa').chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(ok.choices[0]?.message.content?.length, 3 * MiB);
  });

  // Without the bound the whole event is buffered; the timeout keeps a regression from hanging the run.
  test('a translated stream whose first event never ends: 502 before anything was sent', { timeout: 30_000 }, async () => {
    const { sim, gw } = ctx;
    sim.setNext({ kind: 'endless-event', limitBytes: 32 * MiB });
    const err = await readStream(gw);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'upstream_response_too_large');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(sim.aborted && sim.sent < 16 * MiB, `sent ${Math.round(sim.sent / MiB)} MiB`);
  });

  test('an event that never ends after the stream began: an SSE error event names the limit', { timeout: 30_000 }, async () => {
    const { sim, gw } = ctx;
    sim.setNext({ kind: 'endless-event', afterStart: true, limitBytes: 32 * MiB });
    const stream = await client(gw, 'an').chat.completions.create({ model: 'claude-haiku-4-5', messages, stream: true });
    let role: string | undefined;
    const err = await (async () => {
      for await (const chunk of stream) role ??= chunk.choices[0]?.delta?.role;
    })().catch((e: unknown) => e);
    assert.equal(role, 'assistant');
    assert.ok(err instanceof Error, String(err));
    assert.match(err.message, /limit of 1 MiB/);
  });
});

describe('the gateway from src, in process (1 MiB)', () => {
  let sim: OversizedSimulator;
  let gw: InProcessGateway;

  before(async () => {
    sim = await startOversizedSimulator();
    gw = await startInProcess({ config: config(sim.url, MiB), env: ENV });
  });

  after(async () => {
    await gw?.close();
    await sim?.close();
  });

  test('a parsed answer over the limit and an endless stream event are both refused with the limit named', { timeout: 30_000 }, async () => {
    sim.setNext({ kind: 'json', bytes: 2 * MiB });
    const parsed = await client(gw, 'an').chat.completions.create({ model: 'claude-haiku-4-5', messages }).catch((e: unknown) => e);
    assert.ok(parsed instanceof OpenAI.APIError && parsed.status === 502, String(parsed));
    assert.match(parsed.message, /limit of 1 MiB/);

    sim.setNext({ kind: 'endless-event', limitBytes: 32 * MiB });
    const streamed = await readStream(gw);
    assert.ok(streamed instanceof OpenAI.APIError && streamed.code === 'upstream_response_too_large', String(streamed));
  });
});
