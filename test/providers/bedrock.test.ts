import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { ChatCompletionChunk, ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget, Credentials, EmbeddingsTarget, ProviderRuntime, UpstreamRequest } from '../../src/providers/types.js';
import { signBedrockRequest, EventStreamDecoder, EventStreamFramingError } from '../../src/providers/bedrock/index.js';
import {
  computeSigV4Signature,
  encodeEventFrame,
  encodeExceptionFrame,
  startBedrockSimulator,
  type BedrockSimulator,
} from '../simulators/bedrock.js';
import { CollectingSink } from '../helpers/collecting-sink.js';
import { loadAwsLibs } from '../../src/providers/bedrock/aws-libs.js';

// The gateway loads these when it signs the first Bedrock request; the decoder and translator
// tests below construct their objects without a request.
await loadAwsLibs();

const FIXTURES = new URL('../fixtures/recorded/bedrock/', import.meta.url);
// Through the registry: requests pass the parameter table first, as in the gateway.
const adapter = adapterFor('bedrock');

function runtime(baseUrl = 'https://bedrock-runtime.us-east-1.amazonaws.com/'): ProviderRuntime {
  return { name: 'bedrock', adapter, baseUrl: new URL(baseUrl), models: [] };
}

function chatTarget(overrides: Partial<ChatTarget> = {}): ChatTarget {
  return {
    provider: runtime(),
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    stream: false,
    includeUsage: false,
    requestId: 'req123',
    modelRewritten: false,
    ...overrides,
  };
}

function build(req: Partial<ChatRequest>, target = chatTarget()): { upstream: UpstreamRequest; body: Record<string, unknown> } {
  const upstream = adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...req }, target);
  return { upstream, body: JSON.parse(String(upstream.body)) as Record<string, unknown> };
}

function buildError(req: Partial<ChatRequest>): GatewayError {
  try {
    build(req);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err;
  }
  assert.fail('expected a GatewayError');
}


function translate(bytes: Buffer, splits: (length: number) => number[], target = chatTarget({ stream: true })): CollectingSink {
  const sink = new CollectingSink();
  const translator = adapter.chat.createStreamTranslator(target, sink);
  let offset = 0;
  for (const size of splits(bytes.length)) {
    translator.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  if (offset < bytes.length) translator.write(bytes.subarray(offset));
  translator.end();
  return sink;
}

const frames = (events: Array<[string, unknown]>): Buffer => Buffer.concat(events.map(([type, payload]) => encodeEventFrame(type, payload)));

/** Only the choice deltas and usage, for readable assertions. */
const shape = (chunks: ChatCompletionChunk[]) => chunks.map((c) => (c.choices.length ? { choice: c.choices[0] } : { usage: c.usage }));

// ---------------------------------------------------------------------------------------------

describe('bedrock request mapping', () => {
  it('posts to the encoded converse paths', () => {
    const { upstream } = build({});
    assert.equal(upstream.origin, 'https://bedrock-runtime.us-east-1.amazonaws.com');
    assert.equal(upstream.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    const streaming = build({}, chatTarget({ stream: true, provider: runtime('https://proxy.example/bedrock/') })).upstream;
    assert.equal(streaming.path, '/bedrock/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream');
    assert.equal(streaming.headers['content-type'], 'application/json');
  });

  it('keeps every system and developer message as system blocks', () => {
    const { body } = build({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Late instruction.' },
        { role: 'user', content: 'again' },
      ],
    });
    assert.deepEqual(body.system, [{ text: 'You are terse.' }, { text: 'Answer in French.' }, { text: 'Late instruction.' }]);
    assert.deepEqual(body.messages, [{ role: 'user', content: [{ text: 'hi' }, { text: 'again' }] }]);
  });

  it('maps inference settings', () => {
    const { body } = build({ max_tokens: 10, max_completion_tokens: 200, temperature: 0.3, top_p: 0.9, stop: 'END', seed: 7, user: 'u1', presence_penalty: 0 });
    assert.deepEqual(body.inferenceConfig, { maxTokens: 200, temperature: 0.3, topP: 0.9, stopSequences: ['END'] });
    assert.equal('seed' in body, false);
    assert.equal('requestMetadata' in body, false);
    assert.equal(build({}).body.inferenceConfig, undefined);
  });

  it('maps tools and tool_choice', () => {
    const tools: ChatRequest['tools'] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function', function: { name: 'now' } },
    ];
    const { body } = build({ tools });
    assert.deepEqual(body.toolConfig, {
      tools: [
        { toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } },
        { toolSpec: { name: 'now', inputSchema: { json: { type: 'object', properties: {} } } } },
      ],
    });
    const choice = (tool_choice: ChatRequest['tool_choice']) => (build({ tools, tool_choice }).body.toolConfig as { toolChoice?: unknown }).toolChoice;
    assert.deepEqual(choice('auto'), { auto: {} });
    assert.deepEqual(choice('required'), { any: {} });
    assert.deepEqual(choice({ type: 'function', function: { name: 'now' } }), { tool: { name: 'now' } });
    assert.equal(build({ tools, tool_choice: 'none' }).body.toolConfig, undefined);
  });

  it('maps images from data URIs and refuses remote URLs', () => {
    const { body } = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
      ],
    });
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { text: 'What is this?' },
          { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } },
          { image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } },
        ],
      },
    ]);
    const remote = buildError({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] });
    assert.equal(remote.status, 400);
    assert.equal(remote.param, 'messages[0].content[0].image_url');
    assert.match(remote.message, /data URI/);
    const tiff = buildError({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }] });
    assert.equal(tiff.param, 'messages[0].content[0].image_url');
  });

  it('maps tool calls and merges tool results into one user turn', () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const { body } = build({
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'tooluse_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: '18C' },
        { role: 'tool', tool_call_id: 'tooluse_2', content: [{ type: 'text', text: '21C' }] },
        { role: 'user', content: 'Thanks' },
      ],
    });
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18C' }] } },
          { toolResult: { toolUseId: 'tooluse_2', content: [{ text: '21C' }] } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('refuses what Converse cannot honour, naming the parameter', () => {
    const history: ChatRequest['messages'] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'ok' },
    ];
    const cases: Array<[Partial<ChatRequest>, string]> = [
      [{ n: 2 }, 'n'],
      [{ logprobs: true }, 'logprobs'],
      [{ presence_penalty: 0.5 }, 'presence_penalty'],
      [{ frequency_penalty: -1 }, 'frequency_penalty'],
      [{ messages: history }, 'tools'],
      [{ messages: history, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none' }, 'tool_choice'],
      [{ response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] }, 'response_format'],
      [{ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type'],
      [{ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{bad' } }] }] }, 'messages[0].tool_calls[0].function.arguments'],
    ];
    for (const [req, param] of cases) {
      const err = buildError(req);
      assert.equal(err.status, 400, param);
      assert.equal(err.param, param);
    }
  });

  it('implements response_format with a forced tool', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const { body } = build({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } });
    assert.deepEqual(body.toolConfig, {
      tools: [{ toolSpec: { name: 'respond_with_json', description: 'Respond with JSON that matches the schema.', inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: 'respond_with_json' } },
    });
    assert.equal(build({ response_format: { type: 'text' } }).body.toolConfig, undefined);
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock response parsing', () => {
  it('parses the recorded Converse response', async () => {
    const body: unknown = JSON.parse(await readFile(new URL('amazon-bedrock-text.json', FIXTURES), 'utf8'));
    const completion = adapter.chat.parseResponse(body, chatTarget());
    assert.equal(completion.id, 'chatcmpl-req123');
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.ok(Math.abs(completion.created - Date.now() / 1000) < 5);
    assert.equal(completion.choices[0].message.content, 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** "r"s in "strawberry."');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.deepEqual(completion.usage, { prompt_tokens: 22, completion_tokens: 57, total_tokens: 79, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('maps tool use, cache usage and stop reasons', () => {
    const completion = adapter.chat.parseResponse(
      {
        output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_a', name: 'f', input: { x: 1 } } }, { toolUse: { toolUseId: 'tooluse_b', name: 'g', input: {} } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 45, cacheReadInputTokens: 20, cacheWriteInputTokens: 10 },
      },
      chatTarget(),
    );
    assert.equal(completion.choices[0].message.content, null);
    assert.deepEqual(completion.choices[0].message.tool_calls, [
      { id: 'tooluse_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 'tooluse_b', type: 'function', function: { name: 'g', arguments: '{}' } },
    ]);
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(completion.usage, { prompt_tokens: 40, completion_tokens: 5, total_tokens: 45, prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 10 } });
    const reason = (stopReason: string) => adapter.chat.parseResponse({ output: { message: { content: [{ text: 'x' }] } }, stopReason }, chatTarget()).choices[0].finish_reason;
    assert.equal(reason('max_tokens'), 'length');
    assert.equal(reason('stop_sequence'), 'stop');
    assert.equal(reason('guardrail_intervened'), 'content_filter');
    assert.equal(reason('content_filtered'), 'content_filter');
  });

  it('turns the forced JSON tool back into content', () => {
    const completion = adapter.chat.parseResponse(
      { output: { message: { content: [{ toolUse: { toolUseId: 't', name: 'respond_with_json', input: { answer: 'yes' } } }] } }, stopReason: 'tool_use' },
      chatTarget(),
    );
    assert.equal(completion.choices[0].message.content, '{"answer":"yes"}');
    assert.equal(completion.choices[0].message.tool_calls, undefined);
    assert.equal(completion.choices[0].finish_reason, 'stop');
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock event-stream decoding', () => {
  interface Vector {
    expectation: 'success' | 'failure';
    encoded_hex: string;
    decoded?: { headers: Record<string, { value: unknown }>; body_utf8: string };
  }

  it('decodes the AWS success vectors and rejects the failure vectors', async () => {
    const { vectors } = JSON.parse(await readFile(new URL('aws-eventstream-test-vectors.json', FIXTURES), 'utf8')) as { vectors: Record<string, Vector> };
    assert.ok(Object.keys(vectors).length >= 8);
    for (const [name, vector] of Object.entries(vectors)) {
      const bytes = Buffer.from(vector.encoded_hex, 'hex');
      const decoder = new EventStreamDecoder();
      const messages: Array<{ headers: Record<string, { value: unknown }>; body: Uint8Array }> = [];
      if (vector.expectation === 'success') {
        // Byte by byte: the decoder must hold partial frames.
        for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1), (m) => messages.push(m));
        assert.equal(messages.length, 1, name);
        assert.equal(Buffer.from(messages[0].body).toString('utf8'), vector.decoded?.body_utf8, name);
        for (const [header, expected] of Object.entries(vector.decoded?.headers ?? {})) {
          assert.equal(messages[0].headers[header]?.value, expected.value, `${name} ${header}`);
        }
        assert.equal(decoder.buffered, 0);
      } else {
        assert.throws(() => decoder.push(bytes, (m) => messages.push(m)), EventStreamFramingError, name);
        assert.equal(messages.length, 0, name);
      }
    }
  });

  it('agrees with the spec example frame', () => {
    const frame = Buffer.from(encodeEventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' }, p: 'abcd' }));
    assert.equal(frame.subarray(0, 12).toString('hex'), '0000009f00000057c37babff');
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock stream translation', () => {
  let recorded: Buffer;
  before(async () => {
    const lines = (await readFile(new URL('amazon-bedrock-text.chunks.txt', FIXTURES), 'utf8')).split('\n').filter((l) => l.trim());
    // Each line is {"<event-type>": payload}; re-encode as real frames with the codec.
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    recorded = Buffer.concat(
      lines.map((line) => {
        const [type, payload] = Object.entries(JSON.parse(line) as Record<string, unknown>)[0];
        return codec.encode({
          headers: {
            ':event-type': { type: 'string', value: type },
            ':content-type': { type: 'string', value: 'application/json' },
            ':message-type': { type: 'string', value: 'event' },
          },
          body: fromUtf8(JSON.stringify(payload)),
        });
      }),
    );
  });

  const texts = ['Let', ' me count the "', 'r"s in "', 'strawberry":\n\ns-t-', '**', 'r**-a-w-b', '-e-**', 'r**-**', 'r**-y\n\nThere', ' are **3', '** r', '\'s in "strawberry."'];
  const expected = [
    { choice: { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null } },
    ...texts.map((content) => ({ choice: { index: 0, delta: { content }, finish_reason: null } })),
    { choice: { index: 0, delta: {}, finish_reason: 'stop' } },
    { usage: { prompt_tokens: 22, completion_tokens: 55, total_tokens: 77 } },
  ];

  const splitters: Record<string, (n: number) => number[]> = {
    whole: (n) => [n],
    'one byte': (n) => Array.from({ length: n }, () => 1),
    'prime sizes': (n) => {
      const out: number[] = [];
      const primes = [3, 5, 7, 11, 13, 97, 2];
      for (let i = 0, total = 0; total < n; i++) {
        out.push(primes[i % primes.length]);
        total += primes[i % primes.length];
      }
      return out;
    },
    'split inside the prelude': () => [5, 9, 200, 1, 1],
  };

  for (const [name, splits] of Object.entries(splitters)) {
    it(`replays the recorded stream exactly (${name})`, () => {
      const sink = translate(recorded, splits);
      assert.deepEqual(sink.errors, []);
      assert.deepEqual(shape(sink.chunks), expected);
      for (const chunk of sink.chunks) {
        assert.equal(chunk.id, 'chatcmpl-req123');
        assert.equal(chunk.object, 'chat.completion.chunk');
        assert.equal(chunk.model, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
        assert.equal(chunk.created, sink.chunks[0].created);
      }
    });
  }

  it('streams tool calls with indices counted from 0', () => {
    const bytes = frames([
      ['messageStart', { role: 'assistant', p: 'abc' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Checking.' } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_A', name: 'get_weather' } } }],
      ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"location":' } } }],
      ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } }, p: 'padding' }],
      ['contentBlockStop', { contentBlockIndex: 1 }],
      ['contentBlockStart', { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_B', name: 'now' } } }],
      ['contentBlockStop', { contentBlockIndex: 2 }],
      ['messageStop', { stopReason: 'tool_use' }],
      ['metadata', { usage: { inputTokens: 30, outputTokens: 12, totalTokens: 52, cacheReadInputTokens: 10 }, metrics: { latencyMs: 5 } }],
    ]);
    const sink = translate(bytes, (n) => [Math.floor(n / 3), 1, Math.floor(n / 3)]);
    assert.deepEqual(sink.errors, []);
    const call = (tool: object) => ({ choice: { index: 0, delta: { tool_calls: [tool] }, finish_reason: null } });
    assert.deepEqual(shape(sink.chunks), [
      { choice: { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null } },
      { choice: { index: 0, delta: { content: 'Checking.' }, finish_reason: null } },
      call({ index: 0, id: 'tooluse_A', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      call({ index: 0, function: { arguments: '{"location":' } }),
      call({ index: 0, function: { arguments: '"Paris"}' } }),
      call({ index: 1, id: 'tooluse_B', type: 'function', function: { name: 'now', arguments: '' } }),
      call({ index: 1, function: { arguments: '{}' } }),
      { choice: { index: 0, delta: {}, finish_reason: 'tool_calls' } },
      { usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, prompt_tokens_details: { cached_tokens: 10 } } },
    ]);
  });

  it('streams the forced JSON tool as content', () => {
    const bytes = frames([
      ['messageStart', { role: 'assistant' }],
      ['contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't', name: 'respond_with_json' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{"answer":' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '"yes"}' } } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['messageStop', { stopReason: 'tool_use' }],
      ['metadata', { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }],
    ]);
    const sink = translate(bytes, (n) => [n]);
    const content = sink.chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(content, '{"answer":"yes"}');
    assert.equal(sink.chunks.at(-2)?.choices[0].finish_reason, 'stop');
  });

  it('turns exception frames into errors with mapped statuses', () => {
    const start = frames([
      ['messageStart', { role: 'assistant' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }],
    ]);
    const throttled = translate(Buffer.concat([start, encodeExceptionFrame('throttlingException', 'Too many tokens')]), (n) => [n]);
    assert.equal(throttled.chunks.length, 2);
    assert.equal(throttled.errors.length, 1);
    assert.equal(throttled.errors[0].status, 429);
    assert.equal(throttled.errors[0].message, 'bedrock: Too many tokens');
    assert.equal(throttled.errors[0].code, 'ThrottlingException');
    const cases: Array<[string, number]> = [
      ['modelStreamErrorException', 424],
      ['validationException', 400],
      ['internalServerException', 500],
      ['serviceUnavailableException', 503],
      ['somethingNewException', 502],
    ];
    for (const [type, status] of cases) {
      const sink = translate(Buffer.concat([start, encodeExceptionFrame(type, 'boom')]), (n) => [n]);
      assert.equal(sink.errors[0]?.status, status, type);
      assert.equal(sink.chunks.some((c) => c.choices[0]?.finish_reason), false);
    }
  });

  it('reports a stream that ends before messageStop, mid-frame, or with a bad CRC', () => {
    const partial = frames([
      ['messageStart', { role: 'assistant' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }],
    ]);
    const early = translate(partial, (n) => [n]);
    assert.equal(early.errors.length, 1);
    assert.equal(early.errors[0].status, 502);
    assert.match(early.errors[0].message, /stream ended early/);

    const cut = translate(recorded.subarray(0, Math.floor(recorded.length / 2) + 3), (n) => [n]);
    assert.equal(cut.errors[0]?.status, 502);
    assert.equal(cut.chunks.some((c) => c.choices[0]?.finish_reason), false);

    // Cut inside the trailing metadata frame: the answer is complete, only usage is lost.
    const late = translate(recorded.subarray(0, recorded.length - 10), (n) => [n]);
    assert.deepEqual(late.errors, []);
    assert.equal(late.chunks.at(-1)?.choices[0].finish_reason, 'stop');

    const corrupt = Buffer.from(recorded);
    corrupt[60] ^= 0xff; // inside the second frame's payload
    const bad = translate(corrupt, (n) => [n]);
    assert.equal(bad.errors.length, 1);
    assert.equal(bad.errors[0].status, 502);
    assert.match(bad.errors[0].message, /corrupt event stream/);
  });

  it('finishes at EOF when metadata never arrives', () => {
    const bytes = frames([
      ['messageStart', { role: 'assistant' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }],
      ['messageStop', { stopReason: 'max_tokens' }],
    ]);
    const sink = translate(bytes, (n) => [n]);
    assert.deepEqual(sink.errors, []);
    assert.deepEqual(sink.chunks.at(-1)?.choices[0], { index: 0, delta: {}, finish_reason: 'length' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock error mapping', () => {
  const map = (status: number, type: string | undefined, body: string, extra: Record<string, string> = {}) =>
    adapter.mapError(status, { ...(type ? { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } : {}), ...extra }, body, runtime());

  it('maps exception names to statuses and keeps the retry hint', () => {
    const throttled = map(429, 'ThrottlingException', '{"message":"Too many requests"}', { 'retry-after': '3' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.type, 'rate_limit_error');
    assert.equal(throttled.message, 'bedrock: Too many requests');
    assert.equal(throttled.retryAfter, 3);
    assert.equal(throttled.provider, 'bedrock');
    const cases: Array<[number, string, number]> = [
      [400, 'ValidationException', 400],
      [403, 'AccessDeniedException', 403],
      [403, 'UnrecognizedClientException', 401],
      [403, 'InvalidSignatureException', 401],
      [404, 'ResourceNotFoundException', 404],
      [429, 'ModelNotReadyException', 503],
      [408, 'ModelTimeoutException', 504],
      [503, 'ServiceUnavailableException', 503],
      [500, 'InternalServerException', 500],
      [424, 'ModelErrorException', 424],
      [418, 'SomethingNewException', 418],
    ];
    for (const [upstream, type, status] of cases) assert.equal(map(upstream, type, '{"message":"x"}').status, status, type);
  });

  it('falls back to the body for the type and message', () => {
    const err = map(400, undefined, '{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad input"}');
    assert.equal(err.status, 400);
    assert.equal(err.code, 'ValidationException');
    assert.equal(err.message, 'bedrock: bad input');
    assert.equal(map(502, undefined, '<html>bad gateway</html>').message, 'bedrock: <html>bad gateway</html>');
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock SigV4', () => {
  const credentials: Credentials = {
    kind: 'aws',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    region: 'us-west-2',
  };
  const fixedDate = new Date('2025-01-01T00:00:00Z');
  const wirePath = '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream';

  it('the independent verifier reproduces the published worked vector', () => {
    const signature = computeSigV4Signature(
      { method: 'POST', path: wirePath, headers: { host: 'bedrock-runtime.us-west-2.amazonaws.com', 'x-amz-date': '20250101T000000Z' }, body: '{}' },
      { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-west-2', service: 'bedrock' },
      '20250101T000000Z',
      ['host', 'x-amz-date'],
    );
    assert.equal(signature, '518da901ddc911b778af706654f3a1674f17510aa66120185e94c31490126fea');
  });

  const newRequest = (): UpstreamRequest => ({
    method: 'POST',
    origin: 'https://bedrock-runtime.us-west-2.amazonaws.com',
    path: wirePath,
    headers: { 'content-type': 'application/json' },
    body: '{"messages":[]}',
  });

  it('signs deterministically for a fixed date, and the signature verifies independently', async () => {
    const a = newRequest();
    const b = newRequest();
    await signBedrockRequest(a, credentials, fixedDate);
    await signBedrockRequest(b, credentials, fixedDate);
    assert.equal(a.headers.authorization, b.headers.authorization);
    assert.equal(a.headers['x-amz-date'], '20250101T000000Z');
    assert.match(a.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250101\/us-west-2\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    assert.equal('host' in a.headers, false);
    const signature = computeSigV4Signature(
      { ...a, headers: { ...a.headers, host: 'bedrock-runtime.us-west-2.amazonaws.com' }, body: String(a.body) },
      { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-west-2', service: 'bedrock' },
      '20250101T000000Z',
      ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'],
    );
    assert.ok(a.headers.authorization.endsWith(`Signature=${signature}`));
    // A different body gives a different signature.
    const c = { ...newRequest(), body: '{"messages":[1]}' };
    await signBedrockRequest(c, credentials, fixedDate);
    assert.notEqual(c.headers.authorization, a.headers.authorization);
  });

  it('adds and signs the session token; authorize returns the signing promise', async () => {
    const req = newRequest();
    const result: unknown = adapter.authorize(req, { ...credentials, sessionToken: 'TOKEN' }, runtime());
    assert.ok(result instanceof Promise);
    await result;
    assert.equal(req.headers['x-amz-security-token'], 'TOKEN');
    assert.match(req.headers.authorization, /SignedHeaders=[^,]*x-amz-security-token/);
  });

  it('sends Bedrock API keys as bearer tokens', async () => {
    const req = newRequest();
    await signBedrockRequest(req, { kind: 'api-key', key: 'bedrock-key' });
    assert.equal(req.headers.authorization, 'Bearer bedrock-key');
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock embeddings (Titan)', () => {
  const target = (model = 'amazon.titan-embed-text-v2:0'): EmbeddingsTarget => ({ provider: runtime(), model, requestId: 'r' });
  const embeddings = adapter.embeddings;
  assert.ok(embeddings);

  it('builds one invoke call for one input', () => {
    const req = embeddings.buildRequest({ model: 'x', input: ['hello world'], dimensions: 512, user: 'u' }, target());
    assert.equal(req.path, '/model/amazon.titan-embed-text-v2%3A0/invoke');
    assert.deepEqual(JSON.parse(String(req.body)), { inputText: 'hello world', dimensions: 512, normalize: true });
  });

  it('refuses several inputs, token arrays and unsupported sizes', () => {
    const refuse = (fn: () => unknown, param: string) => {
      assert.throws(fn, (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === param);
    };
    refuse(() => embeddings.buildRequest({ model: 'x', input: ['a', 'b'] }, target()), 'input');
    refuse(() => embeddings.buildRequest({ model: 'x', input: [1, 2, 3] }, target()), 'input');
    refuse(() => embeddings.buildRequest({ model: 'x', input: 'a', dimensions: 300 }, target()), 'dimensions');
    refuse(() => embeddings.buildRequest({ model: 'x', input: 'a' }, target('cohere.embed-english-v3')), 'model');
  });

  it('parses the Titan response into the OpenAI list shape', () => {
    const res = embeddings.parseResponse({ embedding: [0.1, -0.2], inputTextTokenCount: 3 }, target());
    assert.deepEqual(res, {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }],
      model: 'amazon.titan-embed-text-v2:0',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('bedrock adapter against the simulator', () => {
  const keys = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'sim-secret/KEY+1', region: 'eu-west-1' };
  const credentials: Credentials = { kind: 'aws', ...keys };
  let sim: BedrockSimulator;
  let provider: ProviderRuntime;

  before(async () => {
    sim = await startBedrockSimulator(keys);
    provider = { name: 'bedrock', adapter, baseUrl: new URL(sim.url), models: [] };
  });
  after(() => sim.close());

  async function send(upstream: UpstreamRequest, creds = credentials) {
    await adapter.authorize(upstream, creds, provider);
    return request(upstream.origin + upstream.path, { method: upstream.method, headers: upstream.headers, body: upstream.body });
  }

  async function stream(req: Partial<ChatRequest>): Promise<CollectingSink> {
    const target = chatTarget({ provider, stream: true });
    const res = await send(adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...req }, target));
    assert.equal(res.statusCode, 200);
    const sink = new CollectingSink();
    const translator = adapter.chat.createStreamTranslator(target, sink);
    try {
      for await (const chunk of res.body) translator.write(chunk as Buffer);
    } catch {
      // A dropped connection: the translator decides what the end means.
    }
    translator.end();
    return sink;
  }

  it('completes a signed Converse call', async () => {
    const target = chatTarget({ provider });
    const res = await send(adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Count the r' }] }, target));
    assert.equal(res.statusCode, 200);
    const completion = adapter.chat.parseResponse(await res.body.json(), target);
    assert.match(completion.choices[0].message.content ?? '', /strawberry/);
    const seen = sim.requests.at(-1);
    assert.equal(seen?.signatureValid, true, seen?.signatureProblem);
    assert.equal(seen?.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    assert.deepEqual((seen?.json as { system: unknown }).system, [{ text: 'Be brief.' }]);
  });

  it('streams the recorded text through real frames', async () => {
    const sink = await stream({});
    assert.deepEqual(sink.errors, []);
    assert.equal(sink.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** r\'s in "strawberry."');
    assert.deepEqual(sink.chunks.at(-1)?.usage, { prompt_tokens: 22, completion_tokens: 55, total_tokens: 77 });
  });

  it('streams and answers tool calls', async () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const sink = await stream({ tools });
    const args = sink.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join('');
    assert.equal(args, '{"location":"Paris","unit":"celsius"}');
    assert.equal(sink.chunks.at(-2)?.choices[0].finish_reason, 'tool_calls');

    const target = chatTarget({ provider });
    const res = await send(adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'weather?' }], tools }, target));
    const completion = adapter.chat.parseResponse(await res.body.json(), target);
    assert.equal(completion.choices[0].message.tool_calls?.[0].function.name, 'get_weather');
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  });

  it('embeds with Titan', async () => {
    const target: EmbeddingsTarget = { provider, model: 'amazon.titan-embed-text-v2:0', requestId: 'r' };
    const res = await send(adapter.embeddings!.buildRequest({ model: 'm', input: 'two words', dimensions: 256 }, target));
    assert.equal(res.statusCode, 200);
    const parsed = adapter.embeddings!.parseResponse(await res.body.json(), target);
    assert.equal((parsed.data[0].embedding as number[]).length, 256);
    assert.equal(parsed.usage.prompt_tokens, 2);
  });

  it('rejects a bad signature with a Bedrock-shaped 403', async () => {
    const res = await send(adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, chatTarget({ provider })), {
      ...credentials,
      secretAccessKey: 'wrong',
    });
    assert.equal(res.statusCode, 403);
    const err = adapter.mapError(res.statusCode, res.headers, await res.body.text(), provider);
    assert.equal(err.code, 'InvalidSignatureException');
    assert.equal(sim.requests.at(-1)?.signatureValid, false);

    const unsigned = adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, chatTarget({ provider }));
    const bare = await request(unsigned.origin + unsigned.path, { method: 'POST', headers: unsigned.headers, body: unsigned.body });
    assert.equal(bare.statusCode, 403);
    await bare.body.dump();
  });

  it('rejects a body changed after signing', async () => {
    const upstream = adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, chatTarget({ provider }));
    await adapter.authorize(upstream, credentials, provider);
    const res = await request(upstream.origin + upstream.path, { method: 'POST', headers: upstream.headers, body: String(upstream.body).replace('hi', 'ho') });
    assert.equal(res.statusCode, 403);
    await res.body.dump();
  });

  it('maps forced throttling', async () => {
    sim.setNext({ kind: 'throttle', retryAfter: 2 });
    const res = await send(adapter.chat.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, chatTarget({ provider })));
    const err = adapter.mapError(res.statusCode, res.headers, await res.body.text(), provider);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, 2);
    assert.match(err.message, /^bedrock: Too many requests/);
  });

  it('surfaces an exception frame mid-stream', async () => {
    sim.setNext({ kind: 'stream-exception', exceptionType: 'throttlingException', message: 'slow down' });
    const sink = await stream({});
    assert.equal(sink.errors.length, 1);
    assert.equal(sink.errors[0].status, 429);
    assert.equal(sink.errors[0].message, 'bedrock: slow down');
    assert.ok(sink.chunks.length > 0);
  });

  it('reports a dropped stream as ended early', async () => {
    sim.setNext({ kind: 'drop' });
    const sink = await stream({});
    assert.equal(sink.errors.length, 1);
    assert.equal(sink.errors[0].status, 502);
  });
});
