import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ChatCompletionChunk, ChatMessage, ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { DEFAULT_MAX_TOKENS, JSON_RESPONSE_TOOL_NAME } from '../../src/providers/anthropic/index.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget, ProviderRuntime, StreamTranslator, UpstreamRequest } from '../../src/providers/types.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';

const FIXTURES = new URL('../fixtures/recorded/anthropic/', import.meta.url);
// Through the registry: requests pass the parameter table first, as in the gateway.
const adapter = adapterFor('anthropic');

function runtime(baseUrl = 'https://api.anthropic.com/', version?: string): ProviderRuntime {
  return { name: 'anthropic', adapter, baseUrl: new URL(baseUrl), version, models: [] };
}

function target(overrides: Partial<ChatTarget> = {}): ChatTarget {
  return {
    provider: runtime(),
    model: 'claude-haiku-4-5',
    stream: false,
    includeUsage: false,
    requestId: 'req-1',
    modelRewritten: false,
    ...overrides,
  };
}

type Body = Record<string, unknown> & { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };

function build(req: Partial<ChatRequest>, t: ChatTarget = target()): Body {
  const upstream = adapter.chat.buildRequest({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], ...req }, t);
  return JSON.parse(String(upstream.body)) as Body;
}

function refusal(req: Partial<ChatRequest>, param: string): void {
  assert.throws(
    () => build(req),
    (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === param,
    `expected a 400 naming ${param}`,
  );
}

const fixtureLines = async (name: string) =>
  (await readFile(new URL(name, FIXTURES), 'utf8')).split('\n').filter((line) => line.trim() !== '');

/** The recorded events as the SSE bytes Anthropic sends. */
const toSse = (lines: string[]) =>
  Buffer.from(lines.map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`).join(''), 'utf8');

interface Collected {
  chunks: ChatCompletionChunk[];
  errors: GatewayError[];
}

function collector(t: ChatTarget = target({ stream: true })): { translator: StreamTranslator; out: Collected } {
  const out: Collected = { chunks: [], errors: [] };
  const translator = adapter.chat.createStreamTranslator(t, { chunk: (c) => out.chunks.push(c), error: (e) => out.errors.push(e) });
  return { translator, out };
}

/** Feeds the bytes in pieces of `size` bytes (splitting lines, fields and characters). */
function replay(bytes: Buffer, size: number, end = true): Collected {
  const { translator, out } = collector();
  for (let i = 0; i < bytes.length; i += size) translator.write(bytes.subarray(i, i + size));
  if (end) translator.end();
  return out;
}

const deltas = (out: Collected) => out.chunks.map((c) => (c.choices.length ? { delta: c.choices[0].delta, finish: c.choices[0].finish_reason } : { usage: c.usage }));

describe('anthropic request mapping', () => {
  it('posts to v1/messages under the base path with version and json headers', () => {
    const upstream = adapter.chat.buildRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }, target({ provider: runtime('http://proxy:8080/anthropic/') }));
    assert.equal(upstream.method, 'POST');
    assert.equal(upstream.origin, 'http://proxy:8080');
    assert.equal(upstream.path, '/anthropic/v1/messages');
    assert.deepEqual(upstream.headers, { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    const versioned = adapter.chat.buildRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }, target({ provider: runtime(undefined, '2026-10-21') }));
    assert.equal(versioned.path, '/v1/messages');
    assert.equal(versioned.headers['anthropic-version'], '2026-10-21');
  });

  it('authorizes with x-api-key and touches nothing else', () => {
    const req: UpstreamRequest = { method: 'POST', origin: 'https://a', path: '/v1/messages', headers: { 'content-type': 'application/json' }, body: '{}' };
    adapter.authorize(req, { kind: 'api-key', key: 'sk-ant' }, runtime());
    assert.deepEqual(req.headers, { 'content-type': 'application/json', 'x-api-key': 'sk-ant' });
    adapter.authorize(req, { kind: 'none' }, runtime());
    assert.deepEqual(req.headers, { 'content-type': 'application/json', 'x-api-key': 'sk-ant' });
  });

  it('keeps every system and developer message, in order, as top-level system blocks', () => {
    const body = build({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }, { type: 'text', text: '' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Late rule.' },
        { role: 'user', content: 'again' },
      ],
    });
    assert.deepEqual(body.system, [
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in French.' },
      { type: 'text', text: 'Late rule.' },
    ]);
    // Both user turns merge once the system message between them moved out.
    assert.deepEqual(body.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'text', text: 'again' }] }]);
    assert.equal(body.model, 'claude-haiku-4-5', 'the target model, not the client one');
  });

  it('maps data URI images to base64 sources and http(s) URLs to url sources', () => {
    const body = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
      ],
    });
    assert.deepEqual(body.messages[0].content, [
      { type: 'text', text: 'compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
    ]);
    refusal({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }] }, 'messages[0].content');
    refusal({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] }, 'messages[0].content');
    refusal({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] }, 'messages[0].content');
  });

  it('round-trips tool calls: tool_use blocks, then consecutive tool results merged into one user turn', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '21C' }] },
      { role: 'user', content: 'thanks' },
    ];
    const body = build({ messages });
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '21C' }] },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
  });

  it('keeps tool results first when a user message precedes them and merges assistant turns', () => {
    const body = build({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: 'Let me check.' },
        { role: 'assistant', content: '', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'user', content: 'note: hurry' },
        { role: 'tool', tool_call_id: 't', content: 'done' },
      ],
    });
    assert.deepEqual(body.messages.slice(1), [
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 't', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'done' }, { type: 'text', text: 'note: hurry' }] },
    ]);
  });

  it('refuses tool calls whose arguments are not a JSON object', () => {
    const call = (args: string): ChatMessage[] => [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: args } }] },
    ];
    refusal({ messages: call('{not json') }, 'messages[1].tool_calls[0].function.arguments');
    refusal({ messages: call('[1,2]') }, 'messages[1].tool_calls[0].function.arguments');
  });

  it('maps tools, tool_choice and parallel_tool_calls', () => {
    const tools: ChatRequest['tools'] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function', function: { name: 'now' } },
    ];
    const body = build({ tools });
    assert.deepEqual(body.tools, [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    assert.equal(body.tool_choice, undefined);
    assert.deepEqual(build({ tools, tool_choice: 'auto', parallel_tool_calls: false }).tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    assert.deepEqual(build({ tools, tool_choice: 'required' }).tool_choice, { type: 'any' });
    assert.deepEqual(build({ tools, tool_choice: 'none', parallel_tool_calls: false }).tool_choice, { type: 'none' });
    assert.deepEqual(build({ tools, tool_choice: { type: 'function', function: { name: 'now' } }, parallel_tool_calls: false }).tool_choice, {
      type: 'tool',
      name: 'now',
      disable_parallel_tool_use: true,
    });
    refusal({ tool_choice: 'required' }, 'tool_choice');
    refusal({ tools: [{ type: 'function', function: { name: JSON_RESPONSE_TOOL_NAME } }] }, 'tools[0].function.name');
  });

  it('maps sampling and limits: max_tokens precedence and default, stop, user, stream', () => {
    const plain = build({});
    assert.equal(plain.max_tokens, DEFAULT_MAX_TOKENS);
    assert.equal(DEFAULT_MAX_TOKENS, 4096);
    assert.equal(plain.stream, undefined);
    assert.equal(build({ max_tokens: 100 }).max_tokens, 100);
    assert.equal(build({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens, 200);
    const body = build({ temperature: 0.3, top_p: 0.9, stop: 'END', user: 'u-42', seed: 7, presence_penalty: 0, n: 1 }, target({ stream: true }));
    assert.equal(body.temperature, 0.3);
    assert.equal(body.top_p, 0.9);
    assert.deepEqual(body.stop_sequences, ['END']);
    assert.deepEqual(body.metadata, { user_id: 'u-42' });
    assert.equal(body.stream, true);
    assert.equal(body.seed, undefined, 'seed is dropped');
    assert.equal(body.presence_penalty, undefined);
    assert.deepEqual(build({ stop: ['a', 'b'] }).stop_sequences, ['a', 'b']);
  });

  it('refuses parameters Anthropic cannot honour, naming them', () => {
    refusal({ n: 2 }, 'n');
    refusal({ temperature: 1.5 }, 'temperature');
    refusal({ logprobs: true }, 'logprobs');
    refusal({ top_logprobs: 3 }, 'top_logprobs');
    refusal({ presence_penalty: 0.5 }, 'presence_penalty');
    refusal({ frequency_penalty: -1 }, 'frequency_penalty');
    refusal({ logit_bias: { '50256': -100 } }, 'logit_bias');
    refusal({ modalities: ['text', 'audio'] }, 'modalities');
  });

  it('maps response_format: json_schema natively, json_object through a forced tool', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'], additionalProperties: false };
    const strict = build({ response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } });
    assert.deepEqual(strict.output_config, { format: { type: 'json_schema', schema } });
    const loose = build({ response_format: { type: 'json_object' } });
    assert.deepEqual(loose.tool_choice, { type: 'tool', name: JSON_RESPONSE_TOOL_NAME });
    assert.equal((loose.tools as Array<{ name: string }>)[0].name, JSON_RESPONSE_TOOL_NAME);
    assert.equal(build({ response_format: { type: 'text' } }).output_config, undefined);
    refusal({ response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] }, 'response_format');
  });
});

describe('anthropic response parsing', () => {
  it('parses the recorded tool_use response', async () => {
    const body = JSON.parse(await readFile(new URL('anthropic-json-tool.1.json', FIXTURES), 'utf8')) as { content: Array<{ input: unknown }> };
    const before = Math.floor(Date.now() / 1000);
    const completion = adapter.chat.parseResponse(body, target());
    assert.equal(completion.id, 'msg_0191iYfpERYfS27xLsdW2nbb');
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'claude-haiku-4-5-20251001');
    assert.ok(completion.created >= before && completion.created <= before + 1);
    const [choice] = completion.choices;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.tool_calls?.length, 1);
    const call = choice.message.tool_calls![0];
    assert.equal(call.id, 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa');
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'json');
    assert.deepEqual(JSON.parse(call.function.arguments), body.content[0].input);
    assert.deepEqual(completion.usage, {
      prompt_tokens: 1151,
      completion_tokens: 87,
      total_tokens: 1238,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('concatenates text blocks, counts cache tokens into the prompt, maps stop reasons', () => {
    const completion = adapter.chat.parseResponse(
      {
        id: 'msg_1',
        model: 'claude-x',
        content: [{ type: 'thinking', thinking: '…' }, { type: 'text', text: 'Hello ' }, { type: 'text', text: 'world' }],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 7 },
      },
      target(),
    );
    assert.equal(completion.choices[0].message.content, 'Hello world');
    assert.equal(completion.choices[0].message.tool_calls, undefined);
    assert.equal(completion.choices[0].finish_reason, 'length');
    assert.deepEqual(completion.usage, {
      prompt_tokens: 115,
      completion_tokens: 7,
      total_tokens: 122,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const finish = (stop_reason: string | null) => adapter.chat.parseResponse({ content: [], stop_reason }, target()).choices[0].finish_reason;
    assert.equal(finish('end_turn'), 'stop');
    assert.equal(finish('stop_sequence'), 'stop');
    assert.equal(finish('pause_turn'), 'stop');
    assert.equal(finish('model_context_window_exceeded'), 'length');
    assert.equal(finish('refusal'), 'content_filter');
    assert.equal(finish(null), 'stop');
  });

  it('returns the json_object emulation as content with finish stop', () => {
    const completion = adapter.chat.parseResponse(
      { id: 'm', content: [{ type: 'tool_use', id: 't', name: JSON_RESPONSE_TOOL_NAME, input: { a: 1 } }], stop_reason: 'tool_use' },
      target(),
    );
    assert.equal(completion.choices[0].message.content, '{"a":1}');
    assert.equal(completion.choices[0].message.tool_calls, undefined);
    assert.equal(completion.choices[0].finish_reason, 'stop');
  });

  it('refuses a body without a content array with a 502', () => {
    assert.throws(() => adapter.chat.parseResponse({ type: 'message' }, target()), (e: unknown) => e instanceof GatewayError && e.status === 502);
  });
});

describe('anthropic stream translation', () => {
  it('replays the recorded text stream in 7-byte pieces', async () => {
    const out = replay(toSse(await fixtureLines('anthropic-text.chunks.txt')), 7);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(deltas(out), [
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'Hello' }, finish: null },
      { delta: { content: '! I' }, finish: null },
      { delta: { content: "'m doing well, thank you for asking" }, finish: null },
      { delta: { content: '. How are you doing today?' }, finish: null },
      { delta: { content: ' Is' }, finish: null },
      { delta: { content: ' there anything I can help you with?' }, finish: null },
      { delta: {}, finish: 'stop' },
      {
        usage: {
          prompt_tokens: 12,
          completion_tokens: 30,
          total_tokens: 42,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    ]);
    const created = out.chunks[0].created;
    for (const chunk of out.chunks) {
      assert.equal(chunk.id, 'msg_01QC4g3HwBThD4BaNtBckFDJ');
      assert.equal(chunk.model, 'claude-sonnet-4-5-20250929');
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.created, created);
    }
    assert.deepEqual(out.chunks.at(-1)!.choices, []);
  });

  it('replays the recorded tool stream in 7-byte pieces and 1-byte pieces alike', async () => {
    const bytes = toSse(await fixtureLines('anthropic-json-tool.1.chunks.txt'));
    const out = replay(bytes, 7);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(deltas(out), [
      { delta: { role: 'assistant', content: '' }, finish: null },
      {
        delta: { tool_calls: [{ index: 0, id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', type: 'function', function: { name: 'json', arguments: '' } }] },
        finish: null,
      },
      {
        delta: {
          tool_calls: [
            { index: 0, function: { arguments: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]' } },
          ],
        },
        finish: null,
      },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '}' } }] }, finish: null },
      { delta: {}, finish: 'tool_calls' },
      {
        usage: {
          prompt_tokens: 849,
          completion_tokens: 47,
          total_tokens: 896,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    ]);
    const args = out.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join('');
    assert.deepEqual(JSON.parse(args), { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
    const byteByByte = replay(bytes, 1);
    assert.deepEqual(byteByByte.errors, []);
    assert.deepEqual(deltas(byteByByte), deltas(out));
  });

  it('translates deltas written in another JSON layout exactly like the usual one', async () => {
    for (const name of ['anthropic-text.chunks.txt', 'anthropic-json-tool.1.chunks.txt']) {
      const lines = await fixtureLines(name);
      // Same events, spaced out and with the keys in another order: the full JSON parse reads them.
      const respaced = lines.map((line) => {
        const { type, ...rest } = JSON.parse(line) as { type: string };
        // Indentation newlines are the only raw newlines (those in strings are escaped).
        return JSON.stringify({ ...rest, type }, null, 1).replaceAll('\n', '');
      });
      assert.notDeepEqual(respaced, lines);
      const usual = replay(toSse(lines), 7);
      const other = replay(toSse(respaced), 7);
      assert.deepEqual(other.errors, []);
      assert.deepEqual(deltas(other), deltas(usual));
    }
  });

  const event = (json: Record<string, unknown>) => `event: ${String(json.type)}\ndata: ${JSON.stringify(json)}\n\n`;
  const start = (id = 'msg_x') => event({ type: 'message_start', message: { id, model: 'claude-y', usage: { input_tokens: 5, output_tokens: 1 } } });

  it('counts tool calls from 0 after a text block and sends {} for a tool without input', () => {
    const sse =
      start() +
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Updating.' } }) +
      event({ type: 'content_block_stop', index: 0 }) +
      event({ type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '' } }) +
      event({ type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'hmm' } }) +
      event({ type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'sig' } }) +
      event({ type: 'content_block_stop', index: 1 }) +
      event({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_a', name: 'refresh', input: {} } }) +
      event({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } }) +
      event({ type: 'content_block_stop', index: 2 }) +
      event({ type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_b', name: 'get', input: {} } }) +
      event({ type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"k":1}' } }) +
      event({ type: 'content_block_stop', index: 3 }) +
      event({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 9, cache_read_input_tokens: 3, output_tokens: 20 } }) +
      event({ type: 'message_stop' });
    const out = replay(Buffer.from(sse), 5);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(deltas(out).slice(1), [
      { delta: { content: 'Updating.' }, finish: null },
      { delta: { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'refresh', arguments: '' } }] }, finish: null },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish: null },
      { delta: { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'get', arguments: '' } }] }, finish: null },
      { delta: { tool_calls: [{ index: 1, function: { arguments: '{"k":1}' } }] }, finish: null },
      { delta: {}, finish: 'tool_calls' },
      {
        usage: {
          prompt_tokens: 12,
          completion_tokens: 20,
          total_tokens: 32,
          prompt_tokens_details: { cached_tokens: 3 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    ]);
  });

  it('keeps multi-byte characters split across writes intact', () => {
    const sse =
      start() +
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Grüße 👋 日本' } }) +
      event({ type: 'content_block_stop', index: 0 }) +
      event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } }) +
      event({ type: 'message_stop' });
    const out = replay(Buffer.from(sse, 'utf8'), 3);
    assert.equal(out.chunks[1].choices[0].delta.content, 'Grüße 👋 日本');
  });

  it('ignores a repeated message_start', () => {
    const sse =
      start() +
      start() +
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }) +
      event({ type: 'content_block_stop', index: 0 }) +
      event({ type: 'message_stop' });
    const out = replay(Buffer.from(sse), 64);
    assert.deepEqual(deltas(out).slice(0, 3), [
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'ok' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('streams the json_object emulation as content with finish stop', () => {
    const sse =
      start() +
      event({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: JSON_RESPONSE_TOOL_NAME, input: {} } }) +
      event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } }) +
      event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } }) +
      event({ type: 'content_block_stop', index: 0 }) +
      event({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } }) +
      event({ type: 'message_stop' });
    assert.deepEqual(deltas(replay(Buffer.from(sse), 11)).slice(1, 4), [
      { delta: { content: '{"a":' }, finish: null },
      { delta: { content: '1}' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('turns a mid-stream overloaded error event into a 503 and stops emitting', async () => {
    const lines = await fixtureLines('anthropic-text.chunks.txt');
    const sse =
      toSse(lines.slice(0, 4)).toString() +
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n' +
      toSse(lines.slice(4)).toString();
    const out = replay(Buffer.from(sse), 7);
    assert.equal(out.errors.length, 1);
    const [error] = out.errors;
    assert.equal(error.status, 503);
    assert.equal(error.code, 'overloaded_error');
    assert.equal(error.type, 'api_error');
    assert.equal(error.message, 'anthropic: Overloaded');
    assert.deepEqual(deltas(out), [
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: { content: 'Hello' }, finish: null },
    ]);
    const rateLimited = replay(Buffer.from(start() + event({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } })), 9);
    assert.equal(rateLimited.errors[0].status, 429);
    assert.equal(rateLimited.errors[0].type, 'rate_limit_error');
  });

  it('reports a stream that ends before message_stop as a 502', async () => {
    const lines = await fixtureLines('anthropic-text.chunks.txt');
    const out = replay(toSse(lines.slice(0, -1)), 7);
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].status, 502);
    assert.match(out.errors[0].message, /stream ended early/);
    assert.ok(out.chunks.every((c) => c.choices.length === 1 && c.choices[0].finish_reason === null), 'no finish or usage chunk');
    const bytes = toSse(lines);
    const cut = replay(bytes.subarray(0, bytes.length - 10), 7);
    assert.equal(cut.errors.length, 1);
    assert.match(cut.errors[0].message, /stream ended early/);
  });

  it('flushes a final event that lacks its blank line at EOF', async () => {
    const bytes = toSse(await fixtureLines('anthropic-text.chunks.txt'));
    const out = replay(bytes.subarray(0, bytes.length - 2), 7);
    assert.deepEqual(out.errors, []);
    assert.equal(out.chunks.at(-2)!.choices[0].finish_reason, 'stop');
  });
});

describe('anthropic error mapping', () => {
  const map = (status: number, body: string, headers: Record<string, string> = {}) => adapter.mapError(status, headers, body, runtime());

  it('maps 529 overloaded to 503', () => {
    const error = map(529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}');
    assert.equal(error.status, 503);
    assert.equal(error.type, 'api_error');
    assert.equal(error.code, 'overloaded_error');
    assert.equal(error.message, 'anthropic: Overloaded');
    assert.equal(error.provider, 'anthropic');
  });

  it('keeps 429 with its retry-after, and marks spend limits as hard quota', () => {
    const error = map(429, '{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}', { 'retry-after': '17' });
    assert.equal(error.status, 429);
    assert.equal(error.type, 'rate_limit_error');
    assert.equal(error.code, 'rate_limit_error');
    assert.equal(error.retryAfter, 17);
    const spend = map(429, '{"type":"error","error":{"type":"rate_limit_error","message":"spend limit","details":{"error_code":"enforced_spend_limit_reached"}}}');
    assert.equal(spend.code, 'insufficient_quota');
  });

  it('keeps other statuses and types by status, and handles non-JSON bodies', () => {
    const invalid = map(400, '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}');
    assert.equal(invalid.status, 400);
    assert.equal(invalid.type, 'invalid_request_error');
    assert.equal(invalid.message, 'anthropic: max_tokens: Field required');
    const auth = map(401, '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
    assert.equal(auth.type, 'authentication_error');
    const html = map(502, '<html>Bad Gateway</html>');
    assert.equal(html.status, 502);
    assert.equal(html.message, 'anthropic: <html>Bad Gateway</html>');
    assert.equal(html.code, null);
    assert.equal(map(500, '').message, 'anthropic: upstream answered HTTP 500');
  });
});

describe('anthropic simulator end to end', () => {
  let sim: AnthropicSimulator;
  before(async () => {
    sim = await startAnthropicSimulator({ apiKey: 'sk-sim' });
  });
  after(async () => {
    await sim.close();
  });

  async function send(req: Partial<ChatRequest>, stream: boolean, key = 'sk-sim'): Promise<{ response: Response; t: ChatTarget }> {
    const t = target({ provider: runtime(sim.url), stream });
    const upstream = adapter.chat.buildRequest({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], ...req }, t);
    adapter.authorize(upstream, { kind: 'api-key', key }, t.provider);
    const response = await fetch(upstream.origin + upstream.path, { method: 'POST', headers: upstream.headers, body: upstream.body as string });
    return { response, t };
  }

  async function stream(req: Partial<ChatRequest>): Promise<Collected> {
    const { response, t } = await send(req, true);
    assert.equal(response.status, 200);
    const { translator, out } = collector(t);
    try {
      for await (const piece of response.body!) translator.write(Buffer.from(piece));
    } catch {
      // a dropped connection: the translator learns it from end()
    }
    translator.end();
    return out;
  }

  it('answers text and tool messages that the adapter parses', async () => {
    const { response, t } = await send({}, false);
    assert.equal(response.status, 200);
    const text = adapter.chat.parseResponse(await response.json(), t);
    assert.equal(text.choices[0].message.content, "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    assert.equal(text.usage?.completion_tokens, 30);
    const recorded = sim.requests.at(-1)!;
    assert.equal(recorded.path, '/v1/messages');
    assert.equal(recorded.headers['x-api-key'], 'sk-sim');
    assert.equal(recorded.headers['anthropic-version'], '2023-06-01');
    assert.equal((recorded.body as { max_tokens: number }).max_tokens, DEFAULT_MAX_TOKENS);

    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const forced = await send({ tools, tool_choice: { type: 'function', function: { name: 'lookup' } } }, false);
    const tool = adapter.chat.parseResponse(await forced.response.json(), forced.t);
    assert.equal(tool.choices[0].finish_reason, 'tool_calls');
    assert.equal(tool.choices[0].message.tool_calls?.[0].function.name, 'lookup');
  });

  it('streams the recorded text and tool streams', async () => {
    const text = await stream({});
    assert.deepEqual(text.errors, []);
    assert.equal(text.chunks.length, 9);
    const tool = await stream({ tools: [{ type: 'function', function: { name: 'json' } }] });
    assert.deepEqual(tool.errors, []);
    assert.equal(tool.chunks.at(-2)!.choices[0].finish_reason, 'tool_calls');
  });

  it('refuses a wrong key with an Anthropic-shaped 401', async () => {
    const { response } = await send({}, false, 'sk-wrong');
    assert.equal(response.status, 401);
    const error = adapter.mapError(401, {}, await response.text(), runtime());
    assert.equal(error.type, 'authentication_error');
    assert.equal(error.code, 'authentication_error');
  });

  it('refuses what the real API refuses, which the adapter avoids sending', async () => {
    const raw = (body: unknown, headers: Record<string, string> = { 'anthropic-version': '2023-06-01' }) =>
      fetch(`${sim.url}v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-sim', ...headers }, body: JSON.stringify(body) });
    const valid = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
    assert.equal((await raw(valid)).status, 200);
    assert.equal((await raw(valid, {})).status, 400, 'anthropic-version is required');
    assert.equal((await raw({ ...valid, max_tokens: undefined })).status, 400);
    assert.equal((await raw({ ...valid, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] })).status, 400);
    assert.equal((await raw({ ...valid, messages: [{ role: 'system', content: 'x' }] })).status, 400);
    // The adapter skips the empty block, so the same conversation goes through.
    const { response } = await send({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'x' }] }] }, false);
    assert.equal(response.status, 200);
  });

  it('plays forced errors: 529, 429 with retry-after, mid-stream error events, dropped connections', async () => {
    sim.setNext({ kind: 'error', status: 529 });
    const overloaded = await send({}, false);
    const mapped = adapter.mapError(overloaded.response.status, Object.fromEntries(overloaded.response.headers), await overloaded.response.text(), runtime());
    assert.equal(mapped.status, 503);
    assert.equal(mapped.code, 'overloaded_error');

    sim.setNext({ kind: 'error', status: 429, retryAfter: 12 });
    const limited = await send({}, false);
    const limitedError = adapter.mapError(limited.response.status, Object.fromEntries(limited.response.headers), await limited.response.text(), runtime());
    assert.equal(limitedError.status, 429);
    assert.equal(limitedError.retryAfter, 12);

    sim.setNext({ kind: 'stream-error', afterEvents: 4 });
    const broken = await stream({});
    assert.equal(broken.errors[0]?.status, 503);
    assert.equal(broken.chunks.length, 2);

    sim.setNext({ kind: 'drop', afterEvents: 4 });
    const dropped = await stream({});
    assert.equal(dropped.errors[0]?.status, 502);

    const healthy = await stream({});
    assert.deepEqual(healthy.errors, []);
  });
});
