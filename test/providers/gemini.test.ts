import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ChatCompletionChunk, ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget, EmbeddingsTarget, ProviderRuntime, UpstreamRequest } from '../../src/providers/types.js';
import { startGeminiSimulator, type GeminiSimulator } from '../simulators/gemini.js';

// Through the registry: requests pass the parameter table first, as in the gateway.
const adapter = adapterFor('gemini');
const FIXTURES = new URL('../fixtures/recorded/google/', import.meta.url);

function provider(baseUrl = 'https://generativelanguage.googleapis.com/'): ProviderRuntime {
  return { name: 'gemini', adapter, baseUrl: new URL(baseUrl), models: [] };
}

function target(overrides: Partial<ChatTarget> = {}): ChatTarget {
  return { provider: provider(), model: 'gemini-3-pro-preview', stream: false, includeUsage: false, requestId: 'req1', modelRewritten: false, ...overrides };
}

function body(req: ChatRequest, t: ChatTarget = target()): Record<string, unknown> {
  const built = adapter.chat.buildRequest(req, t);
  return JSON.parse(String(built.body)) as Record<string, unknown>;
}

function expectGatewayError(fn: () => unknown, status: number, param: string | null): GatewayError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.status, status);
  assert.equal(caught.param, param);
  return caught;
}

async function fixtureLines(name: string): Promise<string[]> {
  return (await readFile(new URL(name, FIXTURES), 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

/** Replays lines as real Gemini SSE bytes, cut into pieces of `size` bytes. */
function replay(lines: string[], size: number, t: ChatTarget = target({ stream: true })) {
  const chunks: ChatCompletionChunk[] = [];
  const errors: GatewayError[] = [];
  const translator = adapter.chat.createStreamTranslator(t, { chunk: (c) => chunks.push(c), error: (e) => errors.push(e) });
  const bytes = Buffer.from(lines.map((line) => `data: ${line}\r\n\r\n`).join(''), 'utf8');
  for (let at = 0; at < bytes.length; at += size) translator.write(bytes.subarray(at, at + size));
  translator.end();
  return { chunks, errors };
}

/** Strips the per-stream header after checking it is identical on every chunk. */
function bodies(chunks: ChatCompletionChunk[]) {
  const [first] = chunks;
  for (const chunk of chunks) {
    assert.equal(chunk.id, first.id);
    assert.equal(chunk.created, first.created);
    assert.equal(chunk.model, first.model);
    assert.equal(chunk.object, 'chat.completion.chunk');
  }
  return chunks.map(({ choices, usage }) => (usage === undefined ? { choices } : { choices, usage }));
}

describe('gemini request mapping', () => {
  it('targets the native endpoints and authorizes with x-goog-api-key', () => {
    const req: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'hi' }] };
    const plain = adapter.chat.buildRequest(req, target());
    assert.equal(plain.method, 'POST');
    assert.equal(plain.origin, 'https://generativelanguage.googleapis.com');
    assert.equal(plain.path, '/v1beta/models/gemini-3-pro-preview:generateContent');
    const streamed = adapter.chat.buildRequest(req, target({ stream: true }));
    assert.equal(streamed.path, '/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    const proxied = adapter.chat.buildRequest(req, target({ provider: provider('http://proxy.local:8080/google/') }));
    assert.equal(proxied.path, '/google/v1beta/models/gemini-3-pro-preview:generateContent');
    const odd = adapter.chat.buildRequest(req, target({ model: '../files?x' }));
    assert.equal(odd.path, '/v1beta/models/..%2Ffiles%3Fx:generateContent');

    adapter.authorize(plain, { kind: 'api-key', key: 'sekret' }, provider());
    assert.equal(plain.headers['x-goog-api-key'], 'sekret');
    assert.ok(!plain.path.includes('key='));
    assert.deepEqual(body(req), { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('keeps every system and developer message in systemInstruction', () => {
    const out = body({
      model: 'x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'salut' },
        { role: 'system', content: 'Now be formal.' },
        { role: 'user', content: 'again' },
        { role: 'user', content: 'and again', name: 'bob' },
      ],
    });
    assert.deepEqual(out.systemInstruction, { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }, { text: 'Now be formal.' }] });
    assert.deepEqual(out.contents, [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'salut' }] },
      { role: 'user', parts: [{ text: 'again' }, { text: 'and again' }] },
    ]);
  });

  it('round-trips tool calls: signature from the id, names looked up, results merged', () => {
    const out = body({
      model: 'x',
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a__thought__SIG==', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a__thought__SIG==', content: '18C' },
        { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '12:00' }] },
        { role: 'user', content: 'thanks' },
      ],
    });
    assert.deepEqual(out.contents, [
      { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'call_a', name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG==' },
          { functionCall: { id: 'call_b', name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_a', name: 'weather', response: { name: 'weather', content: '18C' } } },
          { functionResponse: { id: 'call_b', name: 'time', response: { name: 'time', content: '12:00' } } },
        ],
      },
      { role: 'user', parts: [{ text: 'thanks' }] },
    ]);
  });

  it('marks unsigned replayed calls with the skip sentinel on Gemini 3, not on Gemini 2', () => {
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'f', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'a' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'b' },
    ];
    const g3 = body({ model: 'x', messages }) as { contents: Array<{ parts: Array<{ thoughtSignature?: string }> }> };
    assert.equal(g3.contents[1].parts[0].thoughtSignature, 'skip_thought_signature_validator');
    assert.equal(g3.contents[1].parts[1].thoughtSignature, 'skip_thought_signature_validator');
    // Gemini signs only the first call of a parallel step: the unsigned second one stays as is.
    const signedFirst = structuredClone(messages);
    signedFirst[1].tool_calls![0].id = 'toolu_1__thought__REAL';
    signedFirst[2].tool_call_id = 'toolu_1__thought__REAL';
    const g3signed = body({ model: 'x', messages: signedFirst }) as typeof g3;
    assert.equal(g3signed.contents[1].parts[0].thoughtSignature, 'REAL');
    assert.equal(g3signed.contents[1].parts[1].thoughtSignature, undefined);
    const g2 = body({ model: 'x', messages }, target({ model: 'gemini-2.5-flash' })) as typeof g3;
    assert.equal(g2.contents[1].parts[0].thoughtSignature, undefined);
    // Google's compat-layer field is accepted too.
    const viaExtra = body({
      model: 'x',
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'XYZ' } } } as never],
        },
      ],
    }) as typeof g3;
    assert.equal(viaExtra.contents[1].parts[0].thoughtSignature, 'XYZ');
  });

  it('refuses a tool result without a matching call and malformed arguments', () => {
    expectGatewayError(() => body({ model: 'x', messages: [{ role: 'user', content: 'q' }, { role: 'tool', tool_call_id: 'nope', content: 'x' }] }), 400, 'messages[1].tool_call_id');
    expectGatewayError(
      () => body({ model: 'x', messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }),
      400,
      'messages[0].tool_calls[0].function.arguments',
    );
  });

  it('inlines data-URI images, references Files API URIs, refuses other URLs', () => {
    const out = body({
      model: 'x',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
            { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
          ],
        },
      ],
    });
    assert.deepEqual(out.contents, [
      {
        role: 'user',
        parts: [
          { text: 'what is this?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0K' } },
          { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGR' } },
        ],
      },
    ]);
    const err = expectGatewayError(
      () => body({ model: 'x', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }),
      400,
      'messages[0].content[1].image_url',
    );
    assert.match(err.message, /data URI/);
    expectGatewayError(() => body({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }] }] }), 400, 'messages[0].content[0].image_url');
  });

  it('maps tools, tool_choice and strips JSON-schema keys Gemini rejects', () => {
    const tools: ChatRequest['tools'] = [
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Get the weather',
          strict: true,
          parameters: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            additionalProperties: false,
            properties: {
              city: { type: 'string', format: 'uri', examples: ['Paris'] },
              unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
              days: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
              mode: { const: 'fast' },
            },
            required: ['city'],
          },
        },
      },
      { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
      {
        type: 'function',
        function: { name: 'tree', parameters: { type: 'object', properties: { node: { $ref: '#/$defs/node' } }, $defs: { node: { type: 'object' } } } },
      },
    ];
    const out = body({ model: 'x', messages: [{ role: 'user', content: 'q' }], tools, tool_choice: { type: 'function', function: { name: 'weather' } } });
    assert.deepEqual(out.tools, [
      {
        functionDeclarations: [
          {
            name: 'weather',
            description: 'Get the weather',
            parameters: {
              type: 'object',
              properties: {
                city: { type: 'string' },
                unit: { nullable: true, type: 'string', enum: ['c', 'f', null] },
                days: { nullable: true, type: 'integer', minimum: 1 },
                mode: { enum: ['fast'] },
              },
              required: ['city'],
            },
          },
          { name: 'now' },
          { name: 'tree', parametersJsonSchema: { type: 'object', properties: { node: { $ref: '#/$defs/node' } }, $defs: { node: { type: 'object' } } } },
        ],
      },
    ]);
    assert.deepEqual(out.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } });
    const modes = (['auto', 'none', 'required'] as const).map((c) => body({ model: 'x', messages: [{ role: 'user', content: 'q' }], tools, tool_choice: c }).toolConfig);
    assert.deepEqual(modes, [undefined, { functionCallingConfig: { mode: 'NONE' } }, { functionCallingConfig: { mode: 'ANY' } }]);
    expectGatewayError(() => body({ model: 'x', messages: [], tools, tool_choice: { type: 'function', function: { name: 'missing' } } }), 400, 'tool_choice');
  });

  it('maps generation parameters and response formats', () => {
    const out = body({
      model: 'x',
      messages: [{ role: 'user', content: 'q' }],
      max_tokens: 50,
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      n: 2,
      stop: 'END',
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      user: 'user-123',
      metadata: { a: 'b' },
      stream_options: { include_usage: true },
      reasoning_effort: 'low',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } },
      },
    });
    assert.deepEqual(out.generationConfig, {
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      stopSequences: ['END'],
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
      thinkingConfig: { thinkingLevel: 'low' },
    });
    assert.equal(JSON.stringify(out).includes('user-123'), false);
    const json = body({ model: 'x', messages: [{ role: 'user', content: 'q' }], max_tokens: 5, response_format: { type: 'json_object' }, reasoning_effort: 'medium' }, target({ model: 'gemini-2.5-flash' }));
    assert.deepEqual(json.generationConfig, { maxOutputTokens: 5, responseMimeType: 'application/json', thinkingConfig: { thinkingBudget: 8192 } });
  });

  it('refuses parameters Gemini cannot honour, naming them', () => {
    const base = { model: 'x', messages: [{ role: 'user' as const, content: 'q' }] };
    expectGatewayError(() => body({ ...base, logprobs: true }), 400, 'logprobs');
    expectGatewayError(() => body({ ...base, top_logprobs: 3 }), 400, 'top_logprobs');
    expectGatewayError(() => body({ ...base, logit_bias: { '50256': -100 } }), 400, 'logit_bias');
    expectGatewayError(() => body({ ...base, stop: ['a', 'b', 'c', 'd', 'e', 'f'] }), 400, 'stop');
    expectGatewayError(() => body({ ...base, reasoning_effort: 'none' }), 400, 'reasoning_effort');
    expectGatewayError(
      () => body({ ...base, parallel_tool_calls: false, tools: [{ type: 'function', function: { name: 'f' } }] }),
      400,
      'parallel_tool_calls',
    );
    expectGatewayError(() => body({ ...base, messages: [{ role: 'user', content: [{ type: 'video_url', video_url: 'x' }] }] }), 400, 'messages[0].content[0].type');
    // Harmless values pass.
    body({ ...base, logprobs: false, parallel_tool_calls: true, store: false, service_tier: 'auto' });
  });
});

describe('gemini response parsing', () => {
  it('turns functionCall + STOP into tool_calls and encodes the signature into the id', () => {
    const completion = adapter.chat.parseResponse(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'thinking about it', thought: true },
                { text: 'Let me check. ' },
                { functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'SIG/+=' },
                { functionCall: { id: 'fc_9', name: 'time' } },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 28, totalTokenCount: 281, thoughtsTokenCount: 244, cachedContentTokenCount: 4 },
        modelVersion: 'gemini-3-pro-preview-001',
        responseId: 'resp-1',
      },
      target(),
    );
    assert.equal(completion.id, 'resp-1');
    assert.equal(completion.model, 'gemini-3-pro-preview-001');
    assert.deepEqual(completion.choices, [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Let me check. ',
          tool_calls: [
            { id: 'call_req1_0__thought__SIG/+=', type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } },
            { id: 'fc_9', type: 'function', function: { name: 'time', arguments: '{}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    // 9 + (28 + 244) = 281: thoughts count as completion tokens.
    assert.deepEqual(completion.usage, {
      prompt_tokens: 9,
      completion_tokens: 272,
      total_tokens: 281,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 244 },
    });
  });

  it('maps finish reasons and a blocked prompt', () => {
    const finish = (finishReason: string) =>
      adapter.chat.parseResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason }] }, target()).choices[0].finish_reason;
    assert.deepEqual(['STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'OTHER'].map(finish), ['stop', 'length', 'content_filter', 'content_filter', 'stop']);
    const blocked = adapter.chat.parseResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } }, target());
    assert.equal(blocked.id, 'chatcmpl-req1');
    assert.equal(blocked.model, 'gemini-3-pro-preview');
    assert.deepEqual(blocked.choices, [{ index: 0, message: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter' }]);
  });
});

describe('gemini stream translation (recorded streams)', () => {
  let text: string[];
  let tool: string[];
  before(async () => {
    text = await fixtureLines('google-text.chunks.txt');
    tool = await fixtureLines('google-tool-call.chunks.txt');
  });

  it('replays google-text.chunks.txt in any byte split', () => {
    for (const size of [1, 2, 3, 7, 64, 4096]) {
      const { chunks, errors } = replay(text, size);
      assert.deepEqual(errors, []);
      assert.equal(chunks[0].id, 'bH6LaZW8Fp_3nsEPqtaSwQ4');
      assert.equal(chunks[0].model, 'gemini-3-pro-preview');
      assert.deepEqual(bodies(chunks), [
        { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        { choices: [{ index: 0, delta: { content: 'There are **3**' }, finish_reason: null }] },
        { choices: [{ index: 0, delta: { content: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' }, finish_reason: null }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        {
          choices: [],
          // 9 + (23 + 185) = 217
          usage: { prompt_tokens: 9, completion_tokens: 208, total_tokens: 217, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 185 } },
        },
      ]);
    }
  });

  it('replays google-tool-call.chunks.txt in any byte split', () => {
    const signature = (JSON.parse(tool[0]) as { candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }> }).candidates[0].content.parts[0].thoughtSignature;
    for (const size of [1, 5, 13, 4096]) {
      const { chunks, errors } = replay(tool, size);
      assert.deepEqual(errors, []);
      assert.equal(chunks[0].id, 'b36LacjwM668nsEP2tbsgQQ');
      assert.deepEqual(bodies(chunks), [
        { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        {
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: `call_req1_0__thought__${signature}`, type: 'function', function: { name: 'weather', arguments: '{"location":"San Francisco"}' } }] },
              finish_reason: null,
            },
          ],
        },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
        {
          choices: [],
          // 29 + (15 + 45) = 89
          usage: { prompt_tokens: 29, completion_tokens: 60, total_tokens: 89, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 45 } },
        },
      ]);
    }
  });

  it('decodes multi-byte characters split across writes', () => {
    const line = JSON.stringify({ candidates: [{ content: { parts: [{ text: 'héllo 🌍' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 } });
    const { chunks } = replay([line], 1);
    assert.equal(chunks[1].choices[0].delta.content, 'héllo 🌍');
    assert.equal(chunks[1].id, 'chatcmpl-req1');
  });

  it('ends a blocked prompt as content_filter and streams several candidates as choices', () => {
    const blocked = replay([JSON.stringify({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } })], 3);
    assert.deepEqual(blocked.errors, []);
    assert.deepEqual(
      bodies(blocked.chunks).map((c) => (c.usage ? c.usage.total_tokens : c.choices[0].finish_reason)),
      [null, 'content_filter', 4],
    );
    const two = replay(
      [
        JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }, { content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, index: 1 }] }),
        JSON.stringify({ candidates: [{ content: { parts: [{ text: 'b' }] }, finishReason: 'STOP', index: 0 }, { finishReason: 'STOP', index: 1 }] }),
      ],
      11,
    );
    assert.deepEqual(bodies(two.chunks), [
      { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] },
      { choices: [{ index: 1, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { choices: [{ index: 1, delta: { tool_calls: [{ index: 0, id: 'call_req1_0', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: null }] },
      { choices: [{ index: 0, delta: { content: 'b' }, finish_reason: null }] },
      {
        choices: [
          { index: 0, delta: {}, finish_reason: 'stop' },
          { index: 1, delta: {}, finish_reason: 'tool_calls' },
        ],
      },
    ]);
  });

  it('reports a stream that ends before any finishReason', () => {
    const { chunks, errors } = replay(text.slice(0, 2), 10);
    assert.equal(chunks.length, 3);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].status, 502);
    assert.match(errors[0].message, /stream ended early/);
  });

  it('turns an error event into a sink error and stops', () => {
    const error = JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    const { chunks, errors } = replay([text[0], error, text[1]], 9);
    assert.equal(chunks.length, 2);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].status, 503);
    assert.equal(errors[0].code, 'unavailable');
    assert.equal(errors[0].message, 'gemini: The model is overloaded.');
  });
});

describe('gemini error mapping', () => {
  it('maps the recorded 429 with its RetryInfo delay', async () => {
    const raw = await readFile(new URL('google-429-retry-info.json', FIXTURES), 'utf8');
    const err = adapter.mapError(429, {}, raw, provider());
    assert.equal(err.status, 429);
    assert.equal(err.type, 'rate_limit_error');
    assert.equal(err.code, 'resource_exhausted');
    assert.equal(err.retryAfter, 35); // "34.4s", rounded up
    assert.equal(err.message, 'gemini: You exceeded your current quota, please check your plan.');
    assert.equal(err.provider, 'gemini');
  });

  it('answers an invalid API key with 401', () => {
    const raw = JSON.stringify({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
      },
    });
    const err = adapter.mapError(400, {}, raw, provider());
    assert.equal(err.status, 401);
    assert.equal(err.type, 'authentication_error');
    assert.equal(err.code, 'invalid_api_key');
  });

  it('handles the array-wrapped form, retry-after headers and non-JSON bodies', () => {
    const wrapped = adapter.mapError(503, { 'retry-after': '3' }, JSON.stringify([{ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }]), provider());
    assert.equal(wrapped.status, 503);
    assert.equal(wrapped.code, 'unavailable');
    assert.equal(wrapped.retryAfter, 3);
    assert.equal(wrapped.message, 'gemini: overloaded');
    const html = adapter.mapError(502, {}, '<html>Bad Gateway</html>', provider());
    assert.equal(html.status, 502);
    assert.equal(html.message, 'gemini: <html>Bad Gateway</html>');
    assert.equal(html.code, null);
  });
});

describe('gemini embeddings', () => {
  const embTarget: EmbeddingsTarget = { provider: provider(), model: 'gemini-embedding-001', requestId: 'req1' };

  it('builds batchEmbedContents and returns OpenAI list shape', () => {
    const emb = adapter.embeddings!;
    const req = emb.buildRequest({ model: 'e', input: ['a', 'b'], dimensions: 256, user: 'u' }, embTarget);
    assert.equal(req.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    assert.deepEqual(JSON.parse(String(req.body)), {
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 256 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 256 },
      ],
    });
    const single = JSON.parse(String(emb.buildRequest({ model: 'e', input: 'solo' }, embTarget).body)) as unknown;
    assert.deepEqual(single, { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'solo' }] } }] });
    assert.deepEqual(emb.parseResponse({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }, embTarget), {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('refuses token-array inputs', () => {
    expectGatewayError(() => adapter.embeddings!.buildRequest({ model: 'e', input: [1, 2, 3] }, embTarget), 400, 'input');
    expectGatewayError(() => adapter.embeddings!.buildRequest({ model: 'e', input: [[1, 2]] }, embTarget), 400, 'input');
  });
});

describe('gemini simulator', () => {
  let sim: GeminiSimulator;
  before(async () => {
    sim = await startGeminiSimulator({ apiKey: 'sim-key' });
  });
  after(async () => {
    await sim.close();
  });

  async function send(req: UpstreamRequest, key = 'sim-key'): Promise<Response> {
    adapter.authorize(req, { kind: 'api-key', key }, provider(`${sim.url}/`));
    return fetch(`${sim.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body as string });
  }

  const simTarget = (stream: boolean) => target({ provider: provider(`${sim.url}/`), stream });
  const toolReq: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'weather?' }], tools: [{ type: 'function', function: { name: 'weather' } }] };

  it('streams the recorded tool call through the translator and records the request', async () => {
    const res = await send(adapter.chat.buildRequest(toolReq, simTarget(true)));
    assert.equal(res.status, 200);
    const chunks: ChatCompletionChunk[] = [];
    const t = adapter.chat.createStreamTranslator(simTarget(true), { chunk: (c) => chunks.push(c), error: (e) => assert.fail(e) });
    for await (const piece of res.body!) t.write(Buffer.from(piece));
    t.end();
    assert.deepEqual(
      chunks.map((c) => c.choices[0]?.finish_reason ?? (c.choices.length === 0 ? 'usage' : null)),
      [null, null, 'tool_calls', 'usage'],
    );
    const last = sim.requests[sim.requests.length - 1];
    assert.equal(last.path, '/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    assert.equal(last.headers['x-goog-api-key'], 'sim-key');
  });

  it('answers generateContent with the assembled recording', async () => {
    const res = await send(adapter.chat.buildRequest({ model: 'x', messages: [{ role: 'user', content: 'r?' }] }, simTarget(false)));
    const completion = adapter.chat.parseResponse(await res.json(), simTarget(false));
    assert.equal(completion.choices[0].message.content, 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    assert.equal(completion.usage?.total_tokens, 217);
  });

  it('rejects a wrong key like Google and replays forced errors', async () => {
    const bad = await send(adapter.chat.buildRequest(toolReq, simTarget(false)), 'wrong');
    assert.equal(adapter.mapError(bad.status, {}, await bad.text(), provider()).status, 401);

    sim.setNext({ kind: 'error', status: 429, body: sim.recorded429 });
    const limited = await send(adapter.chat.buildRequest(toolReq, simTarget(false)));
    const err = adapter.mapError(limited.status, {}, await limited.text(), provider());
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, 35);
  });

  it('truncates a stream on request', async () => {
    sim.setNext({ kind: 'truncate', afterEvents: 1 });
    const res = await send(adapter.chat.buildRequest({ model: 'x', messages: [{ role: 'user', content: 'r?' }] }, simTarget(true)));
    const errors: GatewayError[] = [];
    const t = adapter.chat.createStreamTranslator(simTarget(true), { chunk: () => {}, error: (e) => errors.push(e) });
    for await (const piece of res.body!) t.write(Buffer.from(piece));
    t.end();
    assert.equal(errors[0]?.status, 502);
  });

  it('embeds through batchEmbedContents', async () => {
    const embTarget: EmbeddingsTarget = { provider: provider(`${sim.url}/`), model: 'gemini-embedding-001', requestId: 'r' };
    const res = await send(adapter.embeddings!.buildRequest({ model: 'e', input: ['a', 'b'], dimensions: 4 }, embTarget));
    const out = adapter.embeddings!.parseResponse(await res.json(), embTarget);
    assert.equal(out.data.length, 2);
    assert.equal((out.data[0].embedding as number[]).length, 4);
  });
});
