import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget, ProviderRuntime, UpstreamRequest } from '../../src/providers/types.js';
import { startOllamaSimulator, type OllamaSimulator } from '../simulators/ollama.js';
import { CollectingSink } from '../helpers/collecting-sink.js';

// Through the registry: requests pass the parameter table first, as in the gateway.
const adapter = adapterFor('ollama');

function runtime(baseUrl = 'http://localhost:11434/'): ProviderRuntime {
  return { name: 'ollama', adapter, baseUrl: new URL(baseUrl), models: ['llama3.2'] };
}

function target(stream: boolean, extra: Partial<ChatTarget> = {}): ChatTarget {
  return { provider: runtime(), model: 'llama3.2', stream, includeUsage: false, requestId: 'req-1', modelRewritten: false, ...extra };
}

function bodyOf(req: UpstreamRequest): Record<string, unknown> {
  return JSON.parse(String(req.body)) as Record<string, unknown>;
}

const base: ChatRequest = { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] };


describe('ollama requests', () => {
  test('targets /v1/chat/completions and never adds credentials', () => {
    for (const credentials of [{ kind: 'none' } as const, { kind: 'api-key', key: 'sk-should-not-leak' } as const]) {
      const req = adapter.chat.buildRequest(base, target(false));
      adapter.authorize(req, credentials, runtime());
      assert.equal(req.origin, 'http://localhost:11434');
      assert.equal(req.path, '/v1/chat/completions');
      assert.deepEqual(req.headers, { 'content-type': 'application/json' });
    }
    assert.equal(adapter.kind, 'ollama');
    assert.equal(adapter.pipesChat, true);
  });

  test("an unchanged request goes up as the client's own bytes", () => {
    const rawBody = Buffer.from(JSON.stringify({ ...base, stream: true, stream_options: { include_usage: true }, user: 'u', temperature: 0.2 }));
    const req = adapter.chat.buildRequest({ ...base, stream: true, stream_options: { include_usage: true }, user: 'u', temperature: 0.2 }, target(true, { rawBody }));
    assert.equal(req.body, rawBody);
  });

  test('maps max_completion_tokens, developer messages and tool_choice none', () => {
    const rawBody = Buffer.from('{}');
    const req = adapter.chat.buildRequest(
      {
        ...base,
        max_completion_tokens: 64,
        tool_choice: 'none',
        tools: [{ type: 'function', function: { name: 'weather' } }],
        messages: [
          { role: 'developer', content: 'be brief' },
          { role: 'user', content: 'hi' },
        ],
      },
      target(false, { rawBody }),
    );
    const body = bodyOf(req);
    assert.equal(body.max_tokens, 64);
    assert.ok(!('max_completion_tokens' in body));
    assert.ok(!('tools' in body) && !('tool_choice' in body));
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  test('refuses what the Ollama shim would silently ignore, naming the parameter', () => {
    const refused: Array<[Partial<ChatRequest>, string]> = [
      [{ tool_choice: 'required' }, 'tool_choice'],
      [{ tool_choice: { type: 'function', function: { name: 'f' } } }, 'tool_choice'],
      [{ n: 2 }, 'n'],
      [{ logit_bias: { '1': 5 } }, 'logit_bias'],
      [{ parallel_tool_calls: false, tools: [{ type: 'function', function: { name: 'f' } }] }, 'parallel_tool_calls'],
      [{ modalities: ['audio'] }, 'modalities'],
      [{ function_call: 'auto' }, 'function_call'],
    ];
    for (const [req, param] of refused) {
      assert.throws(
        () => adapter.chat.buildRequest({ ...base, ...req }, target(false)),
        (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === param,
        param,
      );
    }
    // Harmless defaults pass.
    adapter.chat.buildRequest({ ...base, n: 1, tool_choice: 'auto', parallel_tool_calls: true, logit_bias: {} }, target(false));
  });

  test('embeddings request floats (encoding_format stripped) and keep dimensions', () => {
    const et = { provider: runtime(), model: 'nomic-embed-text', requestId: 'r' };
    const req = adapter.embeddings!.buildRequest({ model: 'x', input: 'hello', encoding_format: 'base64', dimensions: 64, user: 'u' }, et);
    assert.equal(req.path, '/v1/embeddings');
    assert.deepEqual(bodyOf(req), { model: 'nomic-embed-text', input: 'hello', dimensions: 64 });
  });
});

describe('ollama errors', () => {
  test('model not found (native and /v1 shapes) → 404 telling the operator to pull it', () => {
    const bodies = [
      JSON.stringify({ error: 'model "llama3:70b" not found, try pulling it first' }),
      JSON.stringify({ error: { message: 'model "llama3:70b" not found, try pulling it first', type: 'not_found_error', param: null, code: null } }),
    ];
    for (const body of bodies) {
      const err = adapter.mapError(404, {}, body, runtime());
      assert.equal(err.status, 404);
      assert.equal(err.type, 'not_found_error');
      assert.equal(err.code, 'model_not_found');
      assert.ok(err.message.startsWith('ollama: '), err.message);
      assert.ok(err.message.includes('`ollama pull llama3:70b`'), err.message);
    }
  });

  test('other errors keep status, message and retry-after', () => {
    const bad = adapter.mapError(400, {}, JSON.stringify({ error: { message: 'invalid image input', type: 'invalid_request_error' } }), runtime());
    assert.equal(bad.status, 400);
    assert.equal(bad.message, 'ollama: invalid image input');
    const busy = adapter.mapError(503, { 'retry-after': '2' }, JSON.stringify({ error: 'server busy, please try again.  maximum pending requests exceeded' }), runtime());
    assert.equal(busy.status, 503);
    assert.equal(busy.retryAfter, 2);
    assert.equal(busy.type, 'api_error');
    const text = adapter.mapError(502, {}, 'bad gateway', runtime());
    assert.equal(text.message, 'ollama: bad gateway');
  });
});

describe('ollama against the simulator', () => {
  let sim: OllamaSimulator;
  before(async () => {
    sim = await startOllamaSimulator();
  });
  after(async () => {
    await sim.close();
  });

  const provider = () => runtime(sim.url);
  const simTarget = (stream: boolean, extra: Partial<ChatTarget> = {}) => target(stream, { provider: provider(), ...extra });
  const send = (req: UpstreamRequest) => fetch(req.origin + req.path, { method: req.method, headers: req.headers, body: req.body });

  async function stream(req: ChatRequest): Promise<CollectingSink> {
    const t = simTarget(true);
    const up = adapter.chat.buildRequest(req, t);
    adapter.authorize(up, { kind: 'none' }, t.provider);
    const res = await send(up);
    assert.equal(res.status, 200);
    const sink = new CollectingSink();
    const translator = adapter.chat.createStreamTranslator(t, sink);
    for await (const part of res.body!) translator.write(Buffer.from(part));
    translator.end();
    return sink;
  }

  test('no authorization header reaches Ollama; non-streaming answers parse', async () => {
    const up = adapter.chat.buildRequest(base, simTarget(false));
    adapter.authorize(up, { kind: 'none' }, provider());
    const res = await send(up);
    assert.equal(res.status, 200);
    const parsed = adapter.chat.parseResponse(await res.json(), simTarget(false));
    assert.equal(parsed.choices[0].message.content, 'Hello là ✓');
    assert.equal(sim.requests[sim.requests.length - 1].headers.authorization, undefined);
  });

  test('the /v1 stream is already canonical: role, text, finish, usage chunk when asked', async () => {
    const sink = await stream({ ...base, stream: true, stream_options: { include_usage: true } });
    assert.deepEqual(sink.errors, []);
    assert.equal(sink.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello là ✓');
    assert.deepEqual(
      sink.chunks.map((c) => (c.choices.length === 0 ? 'usage' : c.choices[0].finish_reason)),
      [null, null, null, 'stop', 'usage'],
    );
    const withoutUsage = await stream({ ...base, stream: true });
    assert.ok(withoutUsage.chunks.every((c) => c.choices.length > 0));
  });

  test('streamed tool calls carry index 0 and type function', async () => {
    const sink = await stream({ ...base, stream: true, tools: [{ type: 'function', function: { name: 'weather' } }] });
    assert.deepEqual(sink.chunks[0].choices[0].delta.tool_calls, [
      { id: 'call_wteop8bt', index: 0, type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
    ]);
    assert.equal(sink.chunks[1].choices[0].finish_reason, 'tool_calls');
  });

  test('an unknown model maps to the pull hint; forced errors and drops surface', async () => {
    const up = adapter.chat.buildRequest({ ...base, model: 'qwen3' }, simTarget(false, { model: 'qwen3' }));
    const res = await send(up);
    assert.equal(res.status, 404);
    const err = adapter.mapError(res.status, {}, await res.text(), provider());
    assert.ok(err.message.includes('`ollama pull qwen3`'), err.message);

    sim.setNext({ status: 500, body: { error: { message: 'llama runner process has terminated', type: 'api_error' } } });
    const crashed = await send(adapter.chat.buildRequest(base, simTarget(false)));
    assert.equal(adapter.mapError(crashed.status, {}, await crashed.text(), provider()).message, 'ollama: llama runner process has terminated');

    sim.setNext({ dropAfterEvents: 1 });
    const dropped = await send(adapter.chat.buildRequest({ ...base, stream: true }, simTarget(true)));
    const sink = new CollectingSink();
    const translator = adapter.chat.createStreamTranslator(simTarget(true), sink);
    await assert.rejects(async () => {
      for await (const part of dropped.body!) translator.write(Buffer.from(part));
    });
    assert.equal(sink.chunks.length, 1);
  });

  test('embeddings come back as floats even when the client wanted base64', async () => {
    const et = { provider: provider(), model: 'nomic-embed-text', requestId: 'r' };
    const up = adapter.embeddings!.buildRequest({ model: 'x', input: ['a', 'b'], encoding_format: 'base64' }, et);
    const res = await send(up);
    const parsed = adapter.embeddings!.parseResponse(await res.json(), et);
    assert.deepEqual(parsed.data.map((d) => d.embedding), [[0.5, -0.25, 0], [0.5, -0.25, 1]]);
    assert.deepEqual(parsed.usage, { prompt_tokens: 4, total_tokens: 4 });
  });
});
