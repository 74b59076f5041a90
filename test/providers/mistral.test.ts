import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ChatCompletionChunk, ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget, ProviderRuntime, UpstreamRequest } from '../../src/providers/types.js';
import { buildToolCallIdMap, hashToolCallId, isMistralToolCallId } from '../../src/providers/mistral/mistral-tool-call-ids.js';
import { completeUtf8Length } from '../../src/providers/mistral/mistral-stream-translator.js';
import { startMistralSimulator, type MistralSimulator } from '../simulators/mistral.js';
import { CollectingSink } from '../helpers/collecting-sink.js';

// Through the registry: requests pass the parameter table first, as in the gateway.
const adapter = adapterFor('mistral');
const FIXTURE = new URL('../fixtures/recorded/mistral/mistral-tool-call.chunks.txt', import.meta.url);

function runtime(baseUrl = 'https://api.mistral.ai/'): ProviderRuntime {
  return { name: 'mistral', adapter, baseUrl: new URL(baseUrl), models: ['mistral-small-latest'] };
}

function target(stream: boolean, provider = runtime()): ChatTarget {
  return { provider, model: 'mistral-small-latest', stream, includeUsage: false, requestId: 'req-1', modelRewritten: false };
}

function bodyOf(req: UpstreamRequest): Record<string, unknown> {
  return JSON.parse(String(req.body)) as Record<string, unknown>;
}

function build(req: Partial<ChatRequest>, stream = false): Record<string, unknown> {
  return bodyOf(adapter.chat.buildRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...req }, target(stream)));
}


/** Replays `bytes` through a fresh translator, cut at the given offsets. */
function replay(bytes: Buffer, cuts: number[]): CollectingSink {
  const sink = new CollectingSink();
  const translator = adapter.chat.createStreamTranslator(target(true), sink);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) translator.write(bytes.subarray(start, cut));
    start = Math.max(start, cut);
  }
  translator.end();
  return sink;
}

function sse(lines: string[]): Buffer {
  return Buffer.from(lines.map((line) => `data: ${line}\n\n`).join('') + 'data: [DONE]\n\n', 'utf8');
}

/** Every split pattern a socket might produce: byte by byte, fixed sizes, a seeded scatter. */
function splitPatterns(length: number): Array<{ name: string; cuts: number[] }> {
  const every = (n: number) => Array.from({ length: Math.ceil(length / n) }, (_, i) => i * n);
  let seed = 7;
  const scatter: number[] = [];
  for (let at = 0; at < length; ) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    at += 1 + (seed % 23);
    scatter.push(at);
  }
  return [
    { name: 'whole', cuts: [] },
    { name: 'byte by byte', cuts: every(1) },
    { name: '2 bytes', cuts: every(2) },
    { name: '7 bytes', cuts: every(7) },
    { name: '64 bytes', cuts: every(64) },
    { name: 'seeded scatter', cuts: scatter },
  ];
}

describe('mistral tool-call ids', () => {
  test('foreign ids become stable 9-character alphanumerics; valid ids are kept', () => {
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_abc123XYZdefGHI', type: 'function', function: { name: 'weather', arguments: '{}' } },
          { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'time', arguments: '{}' } },
          { id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc123XYZdefGHI', content: 'sunny' },
      { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: 'noon' },
      { role: 'tool', tool_call_id: 'gSIMJiOkT', content: 'rain' },
    ];
    const first = buildToolCallIdMap(messages);
    const second = buildToolCallIdMap(messages);
    assert.deepEqual([...first], [...second]);
    for (const id of first.values()) assert.ok(isMistralToolCallId(id), id);
    assert.equal(first.get('gSIMJiOkT'), 'gSIMJiOkT');
    assert.equal(first.get('call_abc123XYZdefGHI'), hashToolCallId('call_abc123XYZdefGHI'));
    assert.equal(new Set(first.values()).size, 3);
  });

  test('a hash that collides with an id already in the request is re-salted', () => {
    const foreign = 'call_collides_with_a_kept_id';
    const taken = hashToolCallId(foreign); // a valid id already present in the conversation
    const map = buildToolCallIdMap([
      { role: 'assistant', content: null, tool_calls: [{ id: taken, type: 'function', function: { name: 'a', arguments: '{}' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: foreign, type: 'function', function: { name: 'b', arguments: '{}' } }] },
    ]);
    assert.equal(map.get(taken), taken);
    assert.equal(map.get(foreign), hashToolCallId(foreign, 1));
    assert.notEqual(map.get(foreign), taken);
  });

  test('the request rewrites assistant ids and the matching tool_call_ids alike, and names tool messages', () => {
    const body = build({
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_Xy7', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_Xy7', content: 'sunny' },
      ],
    });
    const messages = body.messages as Array<Record<string, unknown>>;
    const calls = messages[1].tool_calls as Array<{ id: string; type: string; function: { name: string } }>;
    assert.ok(isMistralToolCallId(calls[0].id));
    assert.equal(calls[0].type, 'function');
    assert.equal(messages[2].tool_call_id, calls[0].id);
    assert.equal(messages[2].name, 'weather');
    // The next turn carries the same history and gets the same ids.
    const again = build({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'call_Xy7', type: 'function', function: { name: 'weather', arguments: '{}' } }] }] });
    assert.equal(((again.messages as Array<Record<string, unknown>>)[0].tool_calls as Array<{ id: string }>)[0].id, calls[0].id);
  });
});

describe('mistral request parameters', () => {
  test('maps seed, max_completion_tokens, developer, tool_choice required; strips stream_options and nulls', () => {
    const body = build(
      {
        seed: 42,
        max_completion_tokens: 300,
        stream_options: { include_usage: true },
        user: 'u-1',
        metadata: { a: '1' },
        temperature: null,
        top_p: 0.9,
        n: 2,
        stop: ['END'],
        tool_choice: 'required',
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
        messages: [
          { role: 'developer', content: 'be brief' },
          { role: 'user', content: 'hi', name: 'ann' },
        ],
      },
      true,
    );
    assert.equal(body.random_seed, 42);
    assert.equal(body.max_tokens, 300);
    assert.equal(body.tool_choice, 'any');
    assert.equal(body.stream, true);
    assert.equal(body.model, 'mistral-small-latest');
    assert.equal(body.top_p, 0.9);
    assert.equal(body.n, 2);
    assert.deepEqual(body.stop, ['END']);
    for (const gone of ['seed', 'max_completion_tokens', 'stream_options', 'user', 'metadata', 'temperature']) assert.ok(!(gone in body), gone);
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  test('a named tool_choice offers only that tool and requires a call', () => {
    const body = build({
      tools: [
        { type: 'function', function: { name: 'weather' } },
        { type: 'function', function: { name: 'time' } },
      ],
      tool_choice: { type: 'function', function: { name: 'time' } },
    });
    assert.equal(body.tool_choice, 'any');
    assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'time' } }]);
    assert.throws(() => build({ tools: [], tool_choice: { type: 'function', function: { name: 'nope' } } }), (err: GatewayError) => err.status === 400 && err.param === 'tool_choice');
    // Clients send `null` for "unset".
    assert.ok(!('tool_choice' in build({ tool_choice: null } as unknown as Partial<ChatRequest>)));
  });

  test('drops harmless defaults and refuses what Mistral cannot honour, naming the parameter', () => {
    const body = build({ logprobs: false, top_logprobs: 0, logit_bias: {}, store: false, service_tier: 'auto', modalities: ['text'] });
    for (const gone of ['logprobs', 'top_logprobs', 'logit_bias', 'store', 'service_tier', 'modalities']) assert.ok(!(gone in body), gone);
    // Storing completions is an OpenAI account feature: the answer is the same without it.
    assert.ok(!('store' in build({ store: true })));
    const refused: Array<[Partial<ChatRequest>, string]> = [
      [{ logprobs: true }, 'logprobs'],
      [{ top_logprobs: 3 }, 'top_logprobs'],
      [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
      [{ modalities: ['text', 'audio'] }, 'modalities'],
      [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
      [{ functions: [{ name: 'f' }] }, 'functions'],
    ];
    for (const [req, param] of refused) {
      assert.throws(
        () => build(req),
        (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === param && err.message.includes(param),
        param,
      );
    }
  });

  test('targets /v1/chat/completions under the base URL and authorizes with a bearer key', () => {
    const req = adapter.chat.buildRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }, target(false));
    assert.equal(req.origin, 'https://api.mistral.ai');
    assert.equal(req.path, '/v1/chat/completions');
    adapter.authorize(req, { kind: 'api-key', key: 'sk-m' }, runtime());
    assert.equal(req.headers.authorization, 'Bearer sk-m');
    assert.equal(adapter.pipesChat, false);
    assert.equal(adapter.kind, 'mistral');
  });
});

describe('mistral stream translation', () => {
  const expected: ChatCompletionChunk[] = [
    {
      id: 'b3999b8c93e04e11bcbff7bcab829667',
      object: 'chat.completion.chunk',
      created: 1769088854,
      model: 'mistral-small-latest',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    },
    {
      id: 'b3999b8c93e04e11bcbff7bcab829667',
      object: 'chat.completion.chunk',
      created: 1769088854,
      model: 'mistral-small-latest',
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }] },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
    {
      id: 'b3999b8c93e04e11bcbff7bcab829667',
      object: 'chat.completion.chunk',
      created: 1769088854,
      model: 'mistral-small-latest',
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }],
    },
    {
      id: 'b3999b8c93e04e11bcbff7bcab829667',
      object: 'chat.completion.chunk',
      created: 1769088854,
      model: 'mistral-small-latest',
      choices: [],
      usage: { prompt_tokens: 124, completion_tokens: 22, total_tokens: 146 },
    },
  ];

  test('recorded tool-call stream: role, indexed+typed tool call, finish, separate usage — in any split', async () => {
    const lines = (await readFile(FIXTURE, 'utf8')).split('\n').filter((line) => line.trim() !== '');
    const bytes = sse(lines);
    for (const { name, cuts } of splitPatterns(bytes.length)) {
      const sink = replay(bytes, cuts);
      assert.deepEqual(sink.errors, [], name);
      assert.deepEqual(sink.chunks, expected, name);
    }
  });

  test('several whole tool calls count from 0; incremental calls keep their index and lose the repeated name', () => {
    const base = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const bytes = sse([
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
      JSON.stringify({
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              content: null,
              tool_calls: [
                { id: 'aaaaaaaaa', function: { name: 'a', arguments: '{}' } },
                { id: 'bbbbbbbbb', function: { name: 'b', arguments: '{"x":1}' } },
              ],
            },
            finish_reason: null,
          },
        ],
      }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ id: 'ccccccccc', function: { name: 'c', arguments: '' } }] }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: '', tool_calls: [{ index: 2, type: 'function', function: { name: '', arguments: '{"y":2}' } }] }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11, prompt_tokens_details: { cached_tokens: 4 } } }),
    ]);
    const sink = replay(bytes, []);
    const calls = sink.chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    assert.deepEqual(calls, [
      { index: 0, id: 'aaaaaaaaa', type: 'function', function: { name: 'a', arguments: '{}' } },
      { index: 1, id: 'bbbbbbbbb', type: 'function', function: { name: 'b', arguments: '{"x":1}' } },
      { index: 2, id: 'ccccccccc', type: 'function', function: { name: 'c', arguments: '' } },
      { index: 2, function: { arguments: '{"y":2}' } },
    ]);
    const last = sink.chunks[sink.chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11, prompt_tokens_details: { cached_tokens: 4 } });
    assert.deepEqual(sink.chunks[sink.chunks.length - 2].choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
    for (const chunk of sink.chunks.slice(0, -1)) assert.equal(chunk.usage, undefined);
  });

  test('text with multi-byte characters survives byte-by-byte splits; finish reasons are mapped', () => {
    const base = { id: 't', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const bytes = sse([
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'Grüße 🌍 ' }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'à ✓' }, finish_reason: 'model_length' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
    ]);
    const sink = replay(bytes, Array.from({ length: bytes.length }, (_, i) => i));
    const text = sink.chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Grüße 🌍 à ✓');
    assert.deepEqual(
      sink.chunks.map((c) => (c.choices.length === 0 ? 'usage' : c.choices[0].finish_reason)),
      [null, null, null, 'length', 'usage'],
    );
  });

  test('completeUtf8Length never ends inside a character', () => {
    const bytes = Buffer.from('a🌍é', 'utf8'); // 1 + 4 + 2 bytes
    assert.deepEqual(
      Array.from({ length: bytes.length + 1 }, (_, n) => completeUtf8Length(bytes.subarray(0, n))),
      [0, 1, 1, 1, 1, 5, 5, 7],
    );
  });

  test('an error event ends the stream with a GatewayError and no usage chunk', () => {
    const bytes = Buffer.from(
      `data: ${JSON.stringify({ id: 'e', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } })}\n\n` +
        `data: ${JSON.stringify({ object: 'error', message: 'Service unavailable', type: 'internal_error', code: '3000' })}\n\n`,
    );
    const sink = replay(bytes, [5, 80]);
    assert.equal(sink.chunks.length, 1);
    assert.equal(sink.errors.length, 1);
    assert.match(sink.errors[0].message, /^mistral: Service unavailable/);
  });
});

describe('mistral responses and errors', () => {
  test('non-streaming: tool calls get type function, finish reasons map, content blocks flatten', () => {
    const parsed = adapter.chat.parseResponse(
      {
        id: 'c1',
        object: 'chat.completion',
        created: 5,
        model: 'mistral-small-latest',
        choices: [
          { index: 0, message: { role: 'assistant', content: '', tool_calls: [{ id: 'gSIMJiOkT', function: { name: 'weather', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' },
          { index: 1, message: { role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }] }, { type: 'text', text: 'Done.' }] }, finish_reason: 'model_length' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_audio_seconds: null },
      },
      target(false),
    );
    assert.deepEqual(parsed.choices[0].message.tool_calls, [{ id: 'gSIMJiOkT', type: 'function', function: { name: 'weather', arguments: '{"a":1}' } }]);
    assert.equal(parsed.choices[0].finish_reason, 'tool_calls');
    assert.equal(parsed.choices[1].message.content, 'Done.');
    assert.equal(parsed.choices[1].finish_reason, 'length');
    assert.deepEqual(parsed.usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  test('error bodies keep status, code, param and retry-after; message prefixed with the provider', () => {
    const p = runtime();
    const idError = adapter.mapError(
      400,
      {},
      JSON.stringify({ object: 'error', message: 'Tool call id was toolu_01 but must be a-z, A-Z, 0-9, with a length of 9.', type: 'invalid_function_call', param: null, code: '3280' }),
      p,
    );
    assert.equal(idError.status, 400);
    assert.equal(idError.type, 'invalid_request_error');
    assert.equal(idError.code, '3280');
    assert.equal(idError.message, 'mistral: Tool call id was toolu_01 but must be a-z, A-Z, 0-9, with a length of 9.');

    const validation = adapter.mapError(
      422,
      {},
      JSON.stringify({ object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'stream_options'], msg: 'Extra inputs are not permitted' }] }, type: 'invalid_request_error', param: null, code: null }),
      p,
    );
    assert.equal(validation.status, 422);
    assert.equal(validation.param, 'stream_options');
    assert.equal(validation.message, 'mistral: stream_options: Extra inputs are not permitted');

    const limited = adapter.mapError(429, { 'retry-after': '7' }, JSON.stringify({ message: 'Requests rate limit exceeded' }), p);
    assert.equal(limited.status, 429);
    assert.equal(limited.type, 'rate_limit_error');
    assert.equal(limited.retryAfter, 7);
    assert.equal(limited.message, 'mistral: Requests rate limit exceeded');

    const auth = adapter.mapError(401, {}, JSON.stringify({ message: 'Unauthorized', request_id: 'abc' }), p);
    assert.equal(auth.type, 'authentication_error');
    const plain = adapter.mapError(503, {}, 'upstream connect error', p);
    assert.equal(plain.status, 503);
    assert.equal(plain.message, 'mistral: upstream connect error');
  });

  test('embeddings ask for floats and map dimensions to output_dimension', () => {
    const et = { provider: runtime(), model: 'mistral-embed', requestId: 'r' };
    const req = adapter.embeddings!.buildRequest({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'base64', dimensions: 256, user: 'u' }, et);
    assert.equal(req.path, '/v1/embeddings');
    assert.deepEqual(bodyOf(req), { model: 'mistral-embed', input: ['a', 'b'], output_dimension: 256 });
    assert.throws(() => adapter.embeddings!.buildRequest({ model: 'x', input: [[1, 2]] }, et), (err: GatewayError) => err.param === 'input');
    const parsed = adapter.embeddings!.parseResponse(
      { id: 'e', object: 'list', data: [{ object: 'embedding', embedding: [0.1], index: 0 }], model: 'mistral-embed', usage: { prompt_tokens: 2, total_tokens: 2, completion_tokens: 0 } },
      et,
    );
    assert.deepEqual(parsed, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], model: 'mistral-embed', usage: { prompt_tokens: 2, total_tokens: 2 } });
  });
});

describe('mistral against the simulator', () => {
  let sim: MistralSimulator;
  before(async () => {
    sim = await startMistralSimulator({ apiKey: 'sk-sim' });
  });
  after(async () => {
    await sim.close();
  });

  async function send(req: UpstreamRequest): Promise<Response> {
    return fetch(req.origin + req.path, { method: req.method, headers: req.headers, body: req.body });
  }

  function chatTarget(stream: boolean): ChatTarget {
    return target(stream, runtime(sim.url));
  }

  const history: ChatRequest = {
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'weather in SF?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_9f8e7d6c5b4a', type: 'function', function: { name: 'weather', arguments: '{"location":"SF"}' } }] },
      { role: 'tool', tool_call_id: 'call_9f8e7d6c5b4a', content: '18°C' },
    ],
    tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
    stream_options: { include_usage: true },
    seed: 1,
  };

  test('a conversation with foreign tool ids is accepted, and the raw foreign ids would not be', async () => {
    const req = adapter.chat.buildRequest(history, chatTarget(false));
    await adapter.authorize(req, { kind: 'api-key', key: 'sk-sim' }, runtime(sim.url));
    const res = await send(req);
    assert.equal(res.status, 200);
    const parsed = adapter.chat.parseResponse(await res.json(), chatTarget(false));
    assert.equal(parsed.choices[0].message.tool_calls?.[0].type, 'function');

    const raw = await fetch(`${sim.url}v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-sim', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mistral-small-latest', messages: history.messages }),
    });
    assert.equal(raw.status, 400);
    const mapped = adapter.mapError(raw.status, {}, await raw.text(), runtime(sim.url));
    assert.match(mapped.message, /^mistral: Tool call id was call_9f8e7d6c5b4a/);
  });

  test('streamed over a real socket, the client sees the canonical sequence', async () => {
    const t = chatTarget(true);
    const req = adapter.chat.buildRequest({ ...history, stream: true }, t);
    adapter.authorize(req, { kind: 'api-key', key: 'sk-sim' }, t.provider);
    const res = await send(req);
    assert.equal(res.status, 200);
    const sink = new CollectingSink();
    const translator = adapter.chat.createStreamTranslator(t, sink);
    for await (const part of res.body!) translator.write(Buffer.from(part));
    translator.end();
    assert.deepEqual(
      sink.chunks.map((c) => (c.choices.length === 0 ? 'usage' : c.choices[0].finish_reason ?? (c.choices[0].delta.tool_calls ? 'tool_call' : 'role'))),
      ['role', 'tool_call', 'tool_calls', 'usage'],
    );
  });

  test('a text stream and forced errors and drops', async () => {
    const t = chatTarget(true);
    const plain: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'hi' }], stream: true };
    const req = adapter.chat.buildRequest(plain, t);
    adapter.authorize(req, { kind: 'api-key', key: 'sk-sim' }, t.provider);
    const sink = new CollectingSink();
    const translator = adapter.chat.createStreamTranslator(t, sink);
    for await (const part of (await send(req)).body!) translator.write(Buffer.from(part));
    translator.end();
    assert.equal(sink.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Bonjour à tous ✓');
    assert.deepEqual(sink.chunks[sink.chunks.length - 1].usage, { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });

    sim.setNext({ status: 429, body: { message: 'Requests rate limit exceeded' }, headers: { 'retry-after': '3' } });
    const limited = await send(req);
    const err = adapter.mapError(limited.status, { 'retry-after': limited.headers.get('retry-after') ?? undefined }, await limited.text(), t.provider);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, 3);

    sim.setNext({ dropAfterEvents: 2 });
    const dropped = await send(req);
    const partial = new CollectingSink();
    const t2 = adapter.chat.createStreamTranslator(t, partial);
    await assert.rejects(async () => {
      for await (const part of dropped.body!) t2.write(Buffer.from(part));
    });
    assert.equal(partial.chunks.length, 2);

    const unauthorized = await send(adapter.chat.buildRequest(plain, t));
    assert.equal(unauthorized.status, 401);
    assert.equal(adapter.mapError(401, {}, await unauthorized.text(), t.provider).type, 'authentication_error');
  });

  test('embeddings round trip', async () => {
    const et = { provider: runtime(sim.url), model: 'mistral-embed', requestId: 'r' };
    const req = adapter.embeddings!.buildRequest({ model: 'x', input: ['a', 'b'], encoding_format: 'base64' }, et);
    adapter.authorize(req, { kind: 'api-key', key: 'sk-sim' }, et.provider);
    const res = await send(req);
    assert.equal(res.status, 200);
    const parsed = adapter.embeddings!.parseResponse(await res.json(), et);
    assert.deepEqual(parsed.data.map((d) => d.embedding), [[0.25, -0.5], [0.25, 0.5]]);
    assert.ok(!('encoding_format' in (sim.requests[sim.requests.length - 1].body as object)));
  });
});
