import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeChatRequest, decodeEmbeddingsRequest } from '../../src/ingress/openai-chat/decode.js';
import { MAX_JSON_DEPTH } from '../../src/ingress/openai-chat/field-checks.js';
import { firstInvalidUtf8, jsonPathAt } from '../../src/ingress/openai-chat/json-error-location.js';
import { GatewayError } from '../../src/core/gateway-error.js';

const chat = (body: unknown) => decodeChatRequest(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

function refusal(body: unknown, param: string | null, code?: string): GatewayError {
  let caught: unknown;
  try {
    chat(body);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof GatewayError, `expected a GatewayError for ${JSON.stringify(body).slice(0, 80)}`);
  assert.equal(caught.status, 400);
  assert.equal(caught.param, param);
  if (code) assert.equal(caught.code, code);
  return caught;
}

const USER = [{ role: 'user', content: 'hi' }];

describe('chat request decoding', () => {
  test('accepts every field in its documented shape, nulls as "unset", and unknown fields', () => {
    const full = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        { role: 'user', name: 'ann', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==', detail: 'low' } }, { type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,AA==' } }, { type: 'video_url', video_url: { url: 'x' } }] },
        { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      max_tokens: 10,
      max_completion_tokens: 10,
      temperature: 2,
      top_p: 0,
      n: 1,
      stop: ['a'],
      presence_penalty: -2,
      frequency_penalty: 2,
      seed: -5,
      logprobs: false,
      top_logprobs: 0,
      logit_bias: { '50256': -100 },
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' }, strict: null } },
      user: 'u',
      reasoning_effort: 'low',
      metadata: { a: 'b' },
      store: false,
      service_tier: 'auto',
      modalities: ['text'],
      prediction: { type: 'content', content: 'x' },
      functions: [{ name: 'g' }],
      function_call: { name: 'g' },
      vendor_extension: { anything: [1, 'two'] },
    };
    assert.equal(chat(full).model, 'gpt-4o-mini');
  });

  test("OpenAI's newer tool_choice forms pass to the provider", () => {
    chat({ model: 'm', messages: USER, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } });
    chat({ model: 'm', messages: USER, tool_choice: { type: 'custom', custom: { name: 'grammar' } } });
    refusal({ model: 'm', messages: USER, tool_choice: { type: 'custom', custom: {} } }, 'tool_choice.custom.name', 'missing_required_parameter');
  });

  test('the decoded request is the parsed body itself (no copy)', () => {
    const req = chat({ model: 'm', messages: USER, temperature: null, tools: null, stop: null, response_format: null, extra: 1 });
    assert.equal(req.extra, 1);
    assert.equal(req.temperature, null);
  });

  test("OpenAI's wording and codes", () => {
    assert.equal(refusal({ model: 'm', messages: USER, temperature: 'hot' }, 'temperature', 'invalid_type').message, "Invalid type for 'temperature': expected a number, but got a string instead.");
    assert.equal(refusal({ model: 'm', messages: USER, max_tokens: 1.5 }, 'max_tokens', 'invalid_type').message, "Invalid type for 'max_tokens': expected an integer, but got a decimal instead.");
    assert.match(refusal({ model: 'm', messages: USER, top_p: 2 }, 'top_p', 'invalid_value').message, /expected a value <= 1, but got 2/);
    refusal({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', 'missing_required_parameter');
    refusal({ model: 'm', messages: USER, tool_choice: 'always' }, 'tool_choice', 'invalid_value');
  });

  test(`nesting: ${MAX_JSON_DEPTH} levels pass, one more is refused naming where`, () => {
    // The body is level 1; `extra` adds levels 2 … n.
    const nested = (levels: number) => `{"model":"m","messages":[{"role":"user","content":"x"}],"extra":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    chat(nested(MAX_JSON_DEPTH - 1));
    const err = refusal(nested(MAX_JSON_DEPTH), `extra${'[0]'.repeat(MAX_JSON_DEPTH - 1)}`, 'nesting_too_deep');
    assert.match(err.message, /at most 128 levels/);
  });

  test('lone surrogates anywhere, keys included, are refused; proper pairs pass', () => {
    chat('{"model":"m","messages":[{"role":"user","content":"\\ud83d\\ude00 ok"}]}');
    refusal('{"model":"m","messages":[{"role":"user","content":"\\ud83d"}]}', 'messages[0].content', 'invalid_unicode');
    refusal('{"model":"m","messages":[{"role":"user","content":"\\uDE00 upper case"}]}', 'messages[0].content', 'invalid_unicode');
    // A surrogate's escape spelled out as text is no surrogate.
    chat('{"model":"m","messages":[{"role":"user","content":"\\\\ud800 is how you write it"}]}');
    refusal('{"model":"m","messages":[{"role":"user","content":"x"}],"extra":{"k\\udc00":1}}', 'extra.k\udc00', 'invalid_unicode');
  });

  test('bytes that are not UTF-8 are refused naming the field they are in', () => {
    const body = Buffer.concat([Buffer.from('{"model":"m","messages":[{"role":"user","content":"a'), Buffer.from([0xc3]), Buffer.from('"}]}')]);
    assert.throws(() => decodeChatRequest(body), (err: GatewayError) => err.status === 400 && err.param === 'messages[0].content' && err.code === 'invalid_unicode');
  });

  test('a syntax error names the field when JSON.parse gives a position', () => {
    refusal('{"model":"m","temperature":1 "x":2}', 'temperature', 'invalid_json');
    refusal('{"model":"m"', 'model', 'invalid_json');
    refusal('[1,]', null, 'invalid_json');
  });
});

describe('embeddings request decoding', () => {
  const embed = (body: unknown) => decodeEmbeddingsRequest(Buffer.from(JSON.stringify(body)));
  test('accepts texts, one token array and token arrays', () => {
    embed({ model: 'm', input: ['a', 'b'], encoding_format: 'base64', dimensions: 64, user: 'u' });
    embed({ model: 'm', input: [1, 2, 3] });
    embed({ model: 'm', input: [[1, 2], [3]] });
  });
  test('refuses mixed kinds naming the item', () => {
    assert.throws(() => embed({ model: 'm', input: ['a', 2] }), (err: GatewayError) => err.param === 'input[1]');
    assert.throws(() => embed({ model: 'm', input: [[1], [2.5]] }), (err: GatewayError) => err.param === 'input[1][0]');
  });
});

describe('locating a problem in the raw body', () => {
  test('jsonPathAt follows keys and indices', () => {
    const text = '{"a":[1,{"b":"xyz"}],"c":"d"}';
    assert.equal(jsonPathAt(text, text.indexOf('xyz') + 1), 'a[1].b');
    assert.equal(jsonPathAt(text, text.indexOf('"d"') + 1), 'c');
    assert.equal(jsonPathAt(text, 0), null);
  });
  test('firstInvalidUtf8 finds overlong forms, surrogates and truncation; accepts valid text', () => {
    assert.equal(firstInvalidUtf8(Buffer.from('héllo ✓ 😀')), -1);
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf])), 1);
    assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0);
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2);
    assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0);
  });
});
