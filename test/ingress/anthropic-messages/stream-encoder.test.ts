import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionChunk, ChunkChoice, Usage } from '../../../src/core/chat-types.js';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { MessagesStreamEncoder } from '../../../src/ingress/anthropic-messages/index.js';
import { listenLocally } from '../../helpers/listen.js';
import { parseEvents } from './sse-events.js';

const chunk = (delta: ChunkChoice['delta'], finish: ChunkChoice['finish_reason'] = null): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = (usage: Usage): ChatCompletionChunk => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage });

/** A reasoning model's answer that thinks, says something, and calls two tools. */
const TOOL_STREAM: ChatCompletionChunk[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning_content: 'The user wants ' }),
  chunk({ reasoning_content: 'the weather.' }),
  chunk({ content: 'Let me ' }),
  chunk({ content: 'check.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }] }),
  chunk({}, 'tool_calls'),
  usageChunk({ prompt_tokens: 120, completion_tokens: 42, total_tokens: 162, prompt_tokens_details: { cached_tokens: 100 } }),
];

function encodeAll(chunks: ChatCompletionChunk[], opts = { id: 'chatcmpl-1', model: 'claude-sonnet-4-5' }): string {
  const encoder = new MessagesStreamEncoder(opts);
  return chunks.map((c) => encoder.chunk(c)).join('') + encoder.end();
}

/** Serves `body` as an Anthropic SSE answer to any request. */
async function serveSse(body: string) {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(body);
  });
  return listenLocally(server);
}

describe('Anthropic Messages stream encoder', () => {
  test("emits Anthropic's event sequence with one block per kind and per tool call", () => {
    const events = parseEvents(encodeAll(TOOL_STREAM));
    assert.deepEqual(
      events.map((e) => `${e.event}${'index' in e.data ? `:${String(e.data.index)}` : ''}`),
      [
        'message_start',
        'ping',
        'content_block_start:0',
        'content_block_delta:0',
        'content_block_delta:0',
        'content_block_stop:0',
        'content_block_start:1',
        'content_block_delta:1',
        'content_block_delta:1',
        'content_block_stop:1',
        'content_block_start:2',
        'content_block_delta:2',
        'content_block_delta:2',
        'content_block_stop:2',
        'content_block_start:3',
        'content_block_delta:3',
        'content_block_stop:3',
        'message_delta',
        'message_stop',
      ],
    );
    assert.deepEqual(events[2]!.data.content_block, { type: 'thinking', thinking: '', signature: '' });
    assert.deepEqual(events[3]!.data.delta, { type: 'thinking_delta', thinking: 'The user wants ' });
    assert.deepEqual(events[7]!.data.delta, { type: 'text_delta', text: 'Let me ' });
    assert.deepEqual(events[10]!.data.content_block, { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} });
    assert.deepEqual(events[11]!.data.delta, { type: 'input_json_delta', partial_json: '{"city":' });
    assert.deepEqual(events[17]!.data, {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
    });
    const start = events[0]!.data.message as Record<string, unknown>;
    assert.equal(start.id, 'msg_chatcmpl-1');
    assert.equal(start.model, 'claude-sonnet-4-5');
  });

  test('message_start carries the input tokens when known; an empty answer still closes properly', () => {
    const encoder = new MessagesStreamEncoder({ id: 'msg_x', model: 'm', inputTokens: 33 });
    const events = parseEvents(encoder.end());
    assert.deepEqual(events.map((e) => e.event), ['message_start', 'ping', 'message_delta', 'message_stop']);
    assert.equal((events[0]!.data.message as { id: string; usage: { input_tokens: number } }).usage.input_tokens, 33);
    assert.equal((events[0]!.data.message as { id: string }).id, 'msg_x');
    assert.deepEqual((events[2]!.data.usage as { input_tokens: number }).input_tokens, 33);
    assert.equal(encoder.end(), '', 'end is idempotent');
    assert.equal(encoder.chunk(chunk({ content: 'late' })), '');
  });

  test('maps every finish reason to its stop reason', () => {
    const reasons = (['stop', 'length', 'tool_calls', 'content_filter', null] as const).map((finish) => {
      const events = parseEvents(encodeAll([chunk({ content: 'x' }), ...(finish ? [chunk({}, finish)] : [])]));
      return (events.at(-2)!.data.delta as { stop_reason: string }).stop_reason;
    });
    assert.deepEqual(reasons, ['end_turn', 'max_tokens', 'tool_use', 'refusal', 'end_turn']);
  });

  test('an error event in Anthropic shape; 503 overloaded is overloaded_error', () => {
    const encoder = new MessagesStreamEncoder({ id: 'x', model: 'm' });
    encoder.chunk(chunk({ content: 'partial' }));
    const sse = encoder.error(new GatewayError({ status: 503, message: 'openai: overloaded' }));
    assert.ok(sse.startsWith('\n\n'));
    assert.deepEqual(parseEvents(sse.slice(2)), [{ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'openai: overloaded' } } }]);
    assert.equal(encoder.end(), '', 'nothing after an error');
  });

  test('the Anthropic SDK stream helper reads text, thinking, tool input and usage', async () => {
    const upstream = await serveSse(encodeAll(TOOL_STREAM));
    try {
      const client = new Anthropic({ apiKey: 'k', baseURL: upstream.url, maxRetries: 0 });
      const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'weather?' }] });
      const texts: string[] = [];
      stream.on('text', (t) => texts.push(t));
      const message = await stream.finalMessage();
      assert.deepEqual(texts, ['Let me ', 'check.']);
      assert.equal(message.model, 'claude-sonnet-4-5');
      assert.equal(message.stop_reason, 'tool_use');
      assert.deepEqual(message.content, [
        { type: 'thinking', thinking: 'The user wants the weather.', signature: '' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_b', name: 'get_time', input: { tz: 'CET' } },
      ]);
      assert.equal(message.usage.input_tokens, 20);
      assert.equal(message.usage.output_tokens, 42);
      assert.equal(message.usage.cache_read_input_tokens, 100);
    } finally {
      await upstream.close();
    }
  });

  test('the SDK raises its own error for an error event mid-stream', async () => {
    const encoder = new MessagesStreamEncoder({ id: 'x', model: 'm' });
    const body = encoder.chunk(chunk({ content: 'par' })) + encoder.error(new GatewayError({ status: 529, message: 'Overloaded' }));
    const upstream = await serveSse(body);
    try {
      const client = new Anthropic({ apiKey: 'k', baseURL: upstream.url, maxRetries: 0 });
      const stream = client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      await assert.rejects(stream.finalMessage(), (err: unknown) => {
        assert.ok(err instanceof Anthropic.APIError, String(err));
        assert.match(String(err), /overloaded_error|Overloaded/);
        return true;
      });
    } finally {
      await upstream.close();
    }
  });
});
