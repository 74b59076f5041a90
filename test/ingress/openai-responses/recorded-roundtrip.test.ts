/**
 * Recorded provider streams, as canonical chunks, through the Responses stream encoder and the
 * official SDK's stream parser: the same text, tool calls and usage come out. The OpenAI chat
 * stream is canonical already; the Anthropic and Mistral tool streams go through their adapters'
 * translators first, as they would in the gateway.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.js';
import { adapterFor } from '../../../src/providers/registry.js';
import type { ChatTarget } from '../../../src/providers/types.js';
import { CollectingSink } from '../../helpers/collecting-sink.js';
import { startResponsesServer, type ResponsesServer } from './responses-server.js';

const RECORDED = new URL('../../fixtures/recorded/', import.meta.url);
const lines = async (path: string) => (await readFile(new URL(path, RECORDED), 'utf8')).split('\n').filter((l) => l.trim() !== '');

let server: ResponsesServer;
let chunks: ChatCompletionChunk[] = [];
let client: OpenAI;
before(async () => {
  server = await startResponsesServer(() => ({ chunks }));
  client = new OpenAI({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 0 });
});
after(() => server.close());

function translated(provider: 'anthropic' | 'mistral', sse: string): ChatCompletionChunk[] {
  const adapter = adapterFor(provider);
  const target: ChatTarget = { provider: { name: provider, adapter, baseUrl: new URL('https://example.invalid/'), models: [] }, model: 'm', stream: true, includeUsage: true, requestId: 'req-1', modelRewritten: false };
  const sink = new CollectingSink();
  const translator = adapter.chat.createStreamTranslator(target, sink);
  translator.write(Buffer.from(sse));
  translator.end();
  assert.deepEqual(sink.errors, []);
  return sink.chunks;
}

/** What the canonical chunks say: text, calls (arguments joined per index) and usage. */
function expected(cs: ChatCompletionChunk[]) {
  let text = '';
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  let usage: ChatCompletionChunk['usage'];
  for (const c of cs) {
    if (c.usage) usage = c.usage;
    for (const d of c.choices[0]?.delta.tool_calls ?? []) {
      const call = calls.get(d.index) ?? { id: d.id ?? '', name: d.function?.name ?? '', arguments: '' };
      call.arguments += d.function?.arguments ?? '';
      calls.set(d.index, call);
    }
    text += c.choices[0]?.delta.content ?? '';
  }
  return { text, calls: [...calls.values()], usage };
}

async function throughSdk(cs: ChatCompletionChunk[]) {
  chunks = cs;
  const stream = client.responses.stream({ model: 'm', input: 'go' });
  const deltas: string[] = [];
  stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  const calls = final.output.flatMap((o) => (o.type === 'function_call' ? [{ id: o.call_id, name: o.name, arguments: o.arguments }] : []));
  return { final, deltas, calls };
}

describe('recorded streams → Responses events → openai SDK', () => {
  test('OpenAI gpt-4.1-nano text stream (canonical as recorded)', async () => {
    const cs = (await lines('openai/openai-text.chunks.txt')).map((l) => JSON.parse(l) as ChatCompletionChunk);
    const want = expected(cs);
    assert.ok(want.text.length > 1000);
    const { final, deltas } = await throughSdk(cs);
    assert.equal(final.output_text, want.text);
    assert.equal(deltas.join(''), want.text);
    assert.equal(final.usage?.input_tokens, want.usage?.prompt_tokens);
    assert.equal(final.usage?.output_tokens, want.usage?.completion_tokens);
    assert.equal(final.usage?.total_tokens, want.usage?.total_tokens);
    assert.equal(final.status, 'completed');
  });

  test('Anthropic tool stream, translated', async () => {
    const sse = (await lines('anthropic/anthropic-json-tool.1.chunks.txt')).map((l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`).join('');
    const cs = translated('anthropic', sse);
    const want = expected(cs);
    assert.equal(want.calls.length, 1);
    const { final, calls } = await throughSdk(cs);
    assert.deepEqual(calls, want.calls);
    assert.equal(final.usage?.total_tokens, want.usage?.total_tokens);
    assert.equal(final.output_text, want.text);
  });

  test('Mistral tool stream, translated', async () => {
    const sse = (await lines('mistral/mistral-tool-call.chunks.txt')).map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n';
    const cs = translated('mistral', sse);
    const want = expected(cs);
    assert.ok(want.calls.length >= 1);
    const { final, calls } = await throughSdk(cs);
    assert.deepEqual(calls, want.calls);
    assert.equal(final.usage?.total_tokens, want.usage?.total_tokens);
  });
});
