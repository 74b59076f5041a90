import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletion } from '../../../src/core/chat-types.js';
import { encodeMessagesResponse } from '../../../src/ingress/anthropic-messages/index.js';
import { listenLocally } from '../../helpers/listen.js';

const completion = (message: ChatCompletion['choices'][0]['message'], finish: ChatCompletion['choices'][0]['finish_reason']): ChatCompletion => ({
  id: 'chatcmpl-9',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
  usage: { prompt_tokens: 50, completion_tokens: 12, total_tokens: 62, prompt_tokens_details: { cached_tokens: 30 } },
});

describe('Anthropic Messages response encoding', () => {
  test('thinking, text and tool calls become blocks; the model is the one asked for', () => {
    const c = completion(
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'Need the weather.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{"city":' } },
          { id: '', type: 'function', function: { name: 'no_args', arguments: '' } },
        ],
      },
      'tool_calls',
    );
    const m = encodeMessagesResponse(c, { model: 'claude-sonnet-4-5' });
    assert.equal(m.id, 'msg_chatcmpl-9');
    assert.equal(m.model, 'claude-sonnet-4-5');
    assert.equal(m.stop_reason, 'tool_use');
    assert.equal(m.stop_sequence, null);
    assert.deepEqual(m.content.slice(0, 4), [
      { type: 'thinking', thinking: 'Need the weather.', signature: '' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
    ]);
    const last = m.content[4] as { id: string; input: unknown };
    assert.match(last.id, /^toolu_[0-9a-f]{24}$/);
    assert.deepEqual(last.input, {});
    assert.deepEqual(m.usage, { input_tokens: 20, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 30 });
  });

  test('finish reasons map to stop reasons; an empty answer has no blocks', () => {
    const stop = (f: ChatCompletion['choices'][0]['finish_reason']) => encodeMessagesResponse(completion({ role: 'assistant', content: null }, f), { model: 'm' });
    assert.deepEqual(['stop', 'length', 'tool_calls', 'content_filter', null].map((f) => stop(f as never).stop_reason), ['end_turn', 'max_tokens', 'tool_use', 'refusal', 'end_turn']);
    assert.deepEqual(stop('stop').content, []);
  });

  test('the Anthropic SDK reads it as a Message', async () => {
    const body = encodeMessagesResponse(completion({ role: 'assistant', content: 'Hi there.' }, 'stop'), { model: 'claude-haiku-4-5' });
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    const upstream = await listenLocally(server);
    try {
      const client = new Anthropic({ apiKey: 'k', baseURL: upstream.url, maxRetries: 0 });
      const message = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(message.content[0]?.type === 'text' && message.content[0].text, 'Hi there.');
      assert.equal(message.stop_reason, 'end_turn');
      assert.equal(message.usage.output_tokens, 12);
    } finally {
      await upstream.close();
    }
  });
});
