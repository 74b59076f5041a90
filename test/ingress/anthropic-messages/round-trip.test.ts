/**
 * Recorded Anthropic streams → the Anthropic provider's stream translator → canonical chunks →
 * MessagesStreamEncoder: a client of the Anthropic dialect must see the same answer as if it had
 * talked to Anthropic directly (text, tool calls, stop reason, usage).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MessagesStreamEncoder } from '../../../src/ingress/anthropic-messages/index.js';
import { AnthropicStreamTranslator } from '../../../src/providers/anthropic/anthropic-stream-translator.js';
import { adapterFor } from '../../../src/providers/registry.js';
import type { ChatTarget } from '../../../src/providers/types.js';
import { CollectingSink } from '../../helpers/collecting-sink.js';
import { parseEvents } from './sse-events.js';

const FIXTURES = new URL('../../fixtures/recorded/anthropic/', import.meta.url);

interface Answer {
  text: string;
  tools: Array<{ name: string; input: unknown }>;
  stopReason: unknown;
  usage: { input: number; output: number; cacheRead: number };
}

/** The answer a client assembles from Anthropic stream events (data payloads, in order). */
function assemble(events: Array<Record<string, unknown>>): Answer {
  const answer: Answer = { text: '', tools: [], stopReason: null, usage: { input: 0, output: 0, cacheRead: 0 } };
  const json = new Map<number, string>();
  const names = new Map<number, string>();
  type U = { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number };
  const takeUsage = (u: U | undefined) => {
    if (u?.input_tokens !== undefined) answer.usage.input = u.input_tokens;
    if (u?.output_tokens !== undefined) answer.usage.output = u.output_tokens;
    if (u?.cache_read_input_tokens !== undefined) answer.usage.cacheRead = u.cache_read_input_tokens;
  };
  for (const e of events) {
    const index = e.index as number;
    if (e.type === 'message_start') takeUsage((e.message as { usage?: U }).usage);
    if (e.type === 'content_block_start') {
      const block = e.content_block as { type: string; name?: string };
      if (block.type === 'tool_use') {
        names.set(index, block.name!);
        json.set(index, '');
      }
    }
    if (e.type === 'content_block_delta') {
      const delta = e.delta as { type: string; text?: string; partial_json?: string };
      if (delta.type === 'text_delta') answer.text += delta.text;
      if (delta.type === 'input_json_delta') json.set(index, json.get(index)! + delta.partial_json);
    }
    if (e.type === 'message_delta') {
      answer.stopReason = (e.delta as { stop_reason: unknown }).stop_reason;
      takeUsage(e.usage as U);
    }
  }
  for (const [index, name] of names) answer.tools.push({ name, input: JSON.parse(json.get(index) || '{}') as unknown });
  return answer;
}

const target: ChatTarget = {
  provider: { name: 'anthropic', adapter: adapterFor('anthropic'), baseUrl: new URL('https://api.anthropic.com/'), models: [] },
  model: 'claude-haiku-4-5',
  stream: true,
  includeUsage: true,
  requestId: 'req-1',
  modelRewritten: false,
};

for (const file of ['anthropic-text.chunks.txt', 'anthropic-json-tool.1.chunks.txt']) {
  describe(`round trip of the recorded ${file}`, () => {
    const lines = readFileSync(new URL(file, FIXTURES), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const original = lines.map((l) => JSON.parse(l) as Record<string, unknown>);

    test('gives the client the same text, tool calls, stop reason and usage', () => {
      const sink = new CollectingSink();
      const translator = new AnthropicStreamTranslator(target, sink);
      // Replayed as the wire carries it, in uneven pieces so events split across writes.
      const wire = Buffer.from(original.map((e, i) => `event: ${String(e.type)}\ndata: ${lines[i]}\n\n`).join(''));
      for (let at = 0; at < wire.length; at += 97) translator.write(wire.subarray(at, at + 97));
      translator.end();
      assert.deepEqual(sink.errors, []);

      const encoder = new MessagesStreamEncoder({ id: 'req-1', model: 'claude-haiku-4-5' });
      const sse = sink.chunks.map((c) => encoder.chunk(c)).join('') + encoder.end();
      const events = parseEvents(sse).map((e) => e.data);
      const expected = assemble(original);
      assert.ok(expected.text !== '' || expected.tools.length > 0, 'the recording holds an answer');
      assert.ok(expected.usage.input > 0 && expected.usage.output > 0, 'and its usage');
      assert.deepEqual(assemble(events), expected);
      assert.equal(events[0]!.type, 'message_start');
      assert.equal(events[1]!.type, 'ping');
      assert.equal(events.at(-1)!.type, 'message_stop');
    });
  });
}
