/**
 * OpenAI clients reaching Anthropic through the gateway (translated both ways, streaming
 * included), and Anthropic SDK clients using the byte-for-byte passthrough.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';

const KEY = 'test-anthropic-key-5555-secret-qrst';
const CLIENT_KEY = 'client-key-that-must-not-travel';
let sim: AnthropicSimulator;
let gw: GatewayProcess;

function recordedText(): string {
  const lines = readFileSync(new URL('../fixtures/recorded/anthropic/anthropic-text.chunks.txt', import.meta.url), 'utf8').split('\n');
  return lines
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { type: string; delta?: { type: string; text?: string } })
    .filter((e) => e.type === 'content_block_delta' && e.delta?.type === 'text_delta')
    .map((e) => e.delta?.text ?? '')
    .join('');
}

const openai = (): OpenAI => new OpenAI({ baseURL: `${gw.url}/router/claude`, apiKey: CLIENT_KEY, maxRetries: 0 });

const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'json', description: 'Respond with JSON', parameters: { type: 'object', properties: { answer: { type: 'string' } } } } },
];

before(async () => {
  sim = await startAnthropicSimulator({ apiKey: KEY });
  gw = await startGateway({
    config: `
providers:
  anthropic: { base-url: "${sim.url}" }
routers:
  claude:
    load-balance:
      chat: { strategy: latency, providers: [anthropic] }
`,
    env: { ANTHROPIC_API_KEY: KEY },
  });
});

after(async () => {
  await gw?.stop();
  await sim?.close();
});

test('non-streaming: system prompt kept, answer translated with usage and finish_reason', async () => {
  const res = await openai().chat.completions.create({
    model: 'claude-haiku-4-5',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ],
  });
  const upstream = sim.requests.at(-1);
  assert.equal(upstream?.path, '/v1/messages');
  assert.equal(upstream?.headers['x-api-key'], KEY);
  assert.equal(upstream?.headers['anthropic-version'], '2023-06-01');
  assert.equal(upstream?.headers.authorization, undefined);
  const body = upstream?.body as { system?: unknown; model: string; max_tokens: number };
  assert.ok(JSON.stringify(body.system).includes('Be brief.'));
  assert.equal(body.model, 'claude-haiku-4-5');
  assert.equal(res.object, 'chat.completion');
  assert.ok(res.choices[0].finish_reason, 'finish_reason set');
  assert.ok((res.usage?.total_tokens ?? 0) > 0);
});

test('a bare OpenAI model name is mapped to its Claude equivalent', async () => {
  await openai().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal((sim.requests.at(-1)?.body as { model: string }).model, 'claude-haiku-4-5');
});

test('streaming: the recorded Claude stream arrives as OpenAI chunks, with usage when asked', async () => {
  const stream = await openai().chat.completions.create({
    model: 'claude-sonnet-4-5',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let role: string | undefined;
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    role ??= chunk.choices[0]?.delta?.role;
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.equal(role, 'assistant');
  assert.equal(text, recordedText());
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.completion_tokens > 0 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens);
});

test('streaming tool calls: index 0, id and name first, arguments that parse', async () => {
  const stream = await openai().chat.completions.create({
    model: 'claude-haiku-4-5',
    messages: [{ role: 'user', content: 'answer in json' }],
    tools: TOOLS,
    stream: true,
  });
  let args = '';
  let id: string | undefined;
  let name: string | undefined;
  let finish: string | null = null;
  let sawUsageChunk = false;
  for await (const chunk of stream) {
    if (chunk.choices.length === 0) sawUsageChunk = true;
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
      assert.equal(call.index, 0);
      id ??= call.id;
      name ??= call.function?.name;
      args += call.function?.arguments ?? '';
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.match(id ?? '', /^toolu_/);
  assert.equal(name, 'json');
  assert.doesNotThrow(() => JSON.parse(args));
  assert.equal(finish, 'tool_calls');
  assert.equal(sawUsageChunk, false, 'usage chunk only when include_usage was asked');
});

test('Anthropic 529 overloaded → 503 for the client', async () => {
  sim.setNext({ kind: 'error', status: 529 });
  await assert.rejects(openai().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 503);
    return true;
  });
});

test('Anthropic 429 keeps its retry-after', async () => {
  sim.setNext({ kind: 'error', status: 429, retryAfter: 11 });
  await assert.rejects(openai().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.headers?.get('retry-after'), '11');
    return true;
  });
});

test('an error event mid-stream reaches the client as an error', async () => {
  sim.setNext({ kind: 'stream-error', afterEvents: 4 });
  const stream = await openai().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], stream: true });
  await assert.rejects(async () => {
    for await (const _ of stream) {
      // drain
    }
  }, /overloaded|Overloaded/);
});

test('a stream cut mid-way ends with an error, not a hang', async () => {
  sim.setNext({ kind: 'drop', afterEvents: 4 });
  const stream = await openai().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], stream: true });
  await assert.rejects(async () => {
    for await (const _ of stream) {
      // drain
    }
  });
});

test('Anthropic SDK through the /anthropic passthrough, with the gateway key', async () => {
  const client = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: CLIENT_KEY, maxRetries: 0 });
  const message = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(message.type, 'message');
  const upstream = sim.requests.at(-1);
  assert.equal(upstream?.headers['x-api-key'], KEY);
  assert.equal(upstream?.headers.authorization, undefined);
  const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  const final = await stream.finalText();
  assert.equal(final, recordedText());
});

test('no key in the gateway output', () => {
  assert.ok(!gw.output().includes(KEY));
});
