/** The OpenAI-dialect encoders: SSE chunk framing and base64 embeddings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkEncoder, encodeEmbeddingsBase64, sseError } from '../../src/ingress/openai-chat/encode.js';
import type { ChatCompletionChunk } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';

const chunk = (extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({
  id: 'msg_"quoted"',
  object: 'chat.completion.chunk',
  created: 1770000000,
  model: 'claude-haiku-4-5',
  choices: [{ index: 0, delta: { content: 'héllo\n"x"' }, finish_reason: null }],
  ...extra,
});

function decode(frame: string): unknown {
  assert.ok(frame.startsWith('data: ') && frame.endsWith('\n\n'), JSON.stringify(frame));
  return JSON.parse(frame.slice(6, -2));
}

test('ChunkEncoder writes exactly the chunk, with and without usage, across id changes', () => {
  const encoder = new ChunkEncoder();
  const samples = [
    chunk(),
    chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
    chunk({ id: 'other', model: 'm2', usage: null }),
  ];
  for (const c of samples) assert.deepEqual(decode(encoder.encode(c)), c);
});

test('sseError ends any half-written event first', () => {
  const frame = sseError(new GatewayError({ status: 502, message: 'gone', code: 'x' }));
  assert.ok(frame.startsWith('\n\ndata: '));
  assert.deepEqual(JSON.parse(frame.trim().slice(6)), { error: { message: 'gone', type: 'api_error', param: null, code: 'x' } });
});

test('base64 embeddings are little-endian float32, like OpenAI', () => {
  const out = encodeEmbeddingsBase64({ object: 'list', model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 }, data: [{ object: 'embedding', index: 0, embedding: [0.5, -1, 2] }] });
  const bytes = Buffer.from(out.data[0].embedding as string, 'base64');
  assert.deepEqual([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)], [0.5, -1, 2]);
});

test('content-only chunks take the shortcut and come out exactly as the generic serialiser writes them', () => {
  const encoder = new ChunkEncoder();
  const generic = (c: ChatCompletionChunk) =>
    `data: {"id":${JSON.stringify(c.id)},"object":"chat.completion.chunk","created":${c.created},"model":${JSON.stringify(c.model)},"choices":${JSON.stringify(c.choices)}}\n\n`;
  for (const content of ['', 'plain', 'quote " and \\ and \n', 'é 😀 \u2028', '\u0000\u001f']) {
    const c = chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    assert.equal(encoder.encode(c), generic(c));
  }
  // Shapes the shortcut must leave to the serialiser: every field still arrives.
  const others = [
    chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }),
    chunk({ choices: [{ index: 1, delta: { content: 'x' }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: { content: null }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: { content: 'x', tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish_reason: null }] }),
    chunk({ choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }, { index: 1, delta: { content: 'b' }, finish_reason: null }] }),
  ];
  for (const c of others) {
    assert.equal(encoder.encode(c), generic(c));
    assert.deepEqual(decode(encoder.encode(c)), c);
  }
});
