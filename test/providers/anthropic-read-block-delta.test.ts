/**
 * The delta shortcut must agree with JSON.parse wherever it answers, and step aside (undefined)
 * for anything outside Anthropic's fixed layout, so the translator parses those in full.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBlockDelta } from '../../src/providers/anthropic/read-block-delta.js';

const text = (value: string, index = 0) => JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: value } });
const json = (value: string, index = 0) => JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: value } });

test('reads text and tool-input deltas, decoding escapes like JSON.parse', () => {
  const values = ['Hello', '', ' token1', 'line\nbreak', 'say "hi"', 'back\\slash', 'tab\t', 'é ü 中文 😀', '\u2028', '{"a": [1, 2]}', '\\', '\\"'];
  for (const value of values) {
    for (const index of [0, 3, 12]) {
      assert.deepEqual(readBlockDelta(text(value, index)), { index, kind: 'text_delta', value });
      assert.deepEqual(readBlockDelta(json(value, index)), { index, kind: 'input_json_delta', value });
    }
  }
  // Escapes Anthropic may choose that JSON.stringify would not write.
  assert.equal(readBlockDelta('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"caf\\u00e9 \\/ \\ud83d\\ude00"}}')?.value, 'café / 😀');
});

test('agrees with JSON.parse on random strings', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let n = 0; n < 2000; n++) {
    let value = '';
    const length = next() % 12;
    for (let i = 0; i < length; i++) value += String.fromCharCode(next() % 3 === 0 ? next() % 128 : 32 + (next() % 0x3000));
    const data = text(value, n % 5);
    const parsed = JSON.parse(data) as { index: number; delta: { text: string } };
    assert.deepEqual(readBlockDelta(data), { index: parsed.index, kind: 'text_delta', value: parsed.delta.text }, data);
  }
});

test('steps aside for anything outside the layout', () => {
  const outside = [
    // other delta types and events
    JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
    JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 's' } }),
    JSON.stringify({ type: 'content_block_stop', index: 0 }),
    '{"type":"ping"}',
    // a value key that does not belong to the delta type
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","partial_json":"x"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","text":"x"}}',
    // spacing, key order, extra fields
    '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x"}}',
    '{"index":0,"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","citations":[]}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"},"extra":1}',
    // numbers JSON does not allow, or that are not block indexes
    '{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"x"}}',
    '{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}}',
    '{"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":"x"}}',
    // malformed strings: the full parse reports them
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"b"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"bad \\x escape"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\u12"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"raw\nnewline"}}',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut',
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}\n',
  ];
  for (const data of outside) assert.equal(readBlockDelta(data), undefined, data);
});
