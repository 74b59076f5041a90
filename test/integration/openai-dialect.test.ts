/**
 * The gateway end to end with OpenAI-dialect providers: the real process, the official openai
 * client, and a simulator replaying a recorded OpenAI stream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { recordedOpenAIText, startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-0000-secret-abcd';
const CUSTOM_KEY = 'test-custom-key-1111-secret-wxyz';
const CLIENT_KEY = 'client-side-key-should-not-travel';

let sim: OpenAISimulator;
let custom: OpenAISimulator;
let gw: GatewayProcess;
const seenBodies: string[] = [];

function client(path: string, options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ baseURL: `${gw.url}${path}`, apiKey: CLIENT_KEY, maxRetries: 0, ...options });
}

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${gw.url}${path}`, init);
  const body = await res.text();
  seenBodies.push(body, JSON.stringify([...res.headers.entries()]));
  return { status: res.status, headers: res.headers, body };
}

function errorOf(body: string): { message: string; type: string; param: string | null; code: string | null } {
  const parsed = JSON.parse(body) as { error: { message: string; type: string; param: string | null; code: string | null } };
  assert.ok(parsed.error, 'OpenAI-shaped error');
  for (const key of ['message', 'type', 'param', 'code']) assert.ok(key in parsed.error, `error.${key} present`);
  return parsed.error;
}

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra });

before(async () => {
  sim = await startOpenAISimulator({ apiKey: OPENAI_KEY });
  custom = await startOpenAISimulator({ apiKey: CUSTOM_KEY });
  gw = await startGateway({
    config: `
server:
  max-body-size: 4096
dispatcher:
  timeout: 1500ms
providers:
  openai:
    base-url: "${sim.url}"
  my-vllm:
    base-url: "${custom.url}v1"
    models: [llama-local]
  ollama:
    base-url: "http://127.0.0.1:1/"
routers:
  my-router:
    load-balance:
      chat:
        strategy: latency
        providers: [openai]
  vllm:
    load-balance:
      chat:
        strategy: latency
        providers: [my-vllm]
  dead:
    load-balance:
      chat:
        strategy: latency
        providers: [ollama]
  keyless:
    load-balance:
      chat:
        strategy: latency
        providers: [anthropic]
`,
    env: { OPENAI_API_KEY: OPENAI_KEY, MY_VLLM_API_KEY: CUSTOM_KEY },
  });
});

after(async () => {
  await gw?.stop();
  await sim?.close();
  await custom?.close();
});

describe('chat completions through a router', () => {
  test('non-streaming answer, with request id and provider headers', async () => {
    const { data, response } = await client('/router/my-router').chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, 'Hello from the simulator.');
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '1');
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(response.headers.get('x-ai-gateway-provider-request-id'), 'req_sim_123');
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.path, '/v1/chat/completions');
    assert.equal(upstream?.headers.authorization, `Bearer ${OPENAI_KEY}`);
  });

  test('streaming replays the recorded stream chunk by chunk', async () => {
    const stream = await client('/router/my-router').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    let chunks = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, recordedOpenAIText());
    assert.ok(chunks > 100, `got ${chunks} chunks`);
    assert.equal(finish, 'stop');
  });

  test('streaming with include_usage ends with a usage chunk', async () => {
    const stream = await client('/router/my-router').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    assert.ok(usage && usage.total_tokens > 0);
  });

  test('SDK base URL with /v1 works too', async () => {
    const res = await client('/router/my-router/v1').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.object, 'chat.completion');
  });

  test('a custom OpenAI-compatible provider with a /v1 base-url gets its own key', async () => {
    const res = await client('/router/vllm').chat.completions.create({ model: 'llama-local', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.model, 'llama-local');
    const upstream = custom.requests.at(-1);
    assert.equal(upstream?.path, '/v1/chat/completions');
    assert.equal(upstream?.headers.authorization, `Bearer ${CUSTOM_KEY}`);
  });

  test('GET /router/{id}/models lists the router models in OpenAI shape', async () => {
    const list = await client('/router/my-router').models.list();
    const ids = list.data.map((m) => m.id);
    assert.ok(ids.includes('gpt-4o-mini'));
  });
});

describe('unified API and passthrough', () => {
  test('/ai with provider/model', async () => {
    const res = await client('/ai').chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0].message.content, 'Hello from the simulator.');
    assert.equal(JSON.parse(sim.requests.at(-1)?.body ?? '{}').model, 'gpt-4o-mini');
  });

  test('/ai passes a model unknown to every list through unchanged', async () => {
    await client('/ai/v1').chat.completions.create({ model: 'openai/gpt-9-preview', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(JSON.parse(sim.requests.at(-1)?.body ?? '{}').model, 'gpt-9-preview');
  });

  test('/ai/embeddings with the SDK default (base64) and float', async () => {
    const res = await client('/ai').embeddings.create({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0].embedding.length, 8);
    const floats = await client('/ai').embeddings.create({ model: 'openai/text-embedding-3-small', input: 'a', encoding_format: 'float' });
    assert.equal(floats.data[0].embedding.length, 8);
  });

  test('/{provider}/{path} relays with the gateway key and drops the client credentials', async () => {
    const res = await raw('/openai/v1/embeddings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, 'x-api-key': CLIENT_KEY, 'x-goog-api-key': CLIENT_KEY, 'api-key': CLIENT_KEY },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-ai-gateway-provider'), 'openai');
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.path, '/v1/embeddings');
    assert.equal(upstream?.headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.equal(upstream?.headers['x-api-key'], undefined);
    assert.equal(upstream?.headers['x-goog-api-key'], undefined);
    assert.equal(upstream?.headers['api-key'], undefined);
  });

  test('router requests never forward client auth headers either', async () => {
    await raw('/router/my-router/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, 'x-api-key': CLIENT_KEY },
      body: chatBody(),
    });
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.equal(upstream?.headers['x-api-key'], undefined);
  });

  test('GET /health', async () => {
    const res = await raw('/health');
    assert.equal(res.status, 200);
  });
});

describe('errors in OpenAI shape', () => {
  const post = (path: string, body: string) => raw(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  test('invalid JSON → 400', async () => {
    const res = await post('/router/my-router/chat/completions', '{"model": ');
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.body).code, 'invalid_json');
  });

  test('missing model → 400 naming the param', async () => {
    const res = await post('/router/my-router/chat/completions', JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.body).param, 'model');
  });

  test('missing messages → 400 naming the param', async () => {
    const res = await post('/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini' }));
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.body).param, 'messages');
  });

  test('unknown router → 404 listing the routers', async () => {
    const res = await post('/router/nope/chat/completions', chatBody());
    assert.equal(res.status, 404);
    assert.match(errorOf(res.body).message, /my-router/);
  });

  test('unknown provider on /ai → 400 with a suggestion; an unknown first segment is no route → 404', async () => {
    const res = await post('/ai/chat/completions', chatBody({ model: 'opnai/gpt-4o-mini' }));
    assert.equal(res.status, 400);
    assert.match(errorOf(res.body).message, /did you mean "openai"/i);
    const pass = await post('/nosuchprovider/v1/chat/completions', chatBody());
    assert.equal(pass.status, 404);
    assert.equal(errorOf(pass.body).code, 'not_found');
    const typo = await post('/opnai/v1/chat/completions', chatBody());
    assert.equal(typo.status, 404);
    assert.match(errorOf(typo.body).message, /did you mean the provider "openai"/i);
  });

  test('body over the configured limit → 413', async () => {
    const res = await post('/router/my-router/chat/completions', chatBody({ pad: 'x'.repeat(5000) }));
    assert.equal(res.status, 413);
    assert.match(errorOf(res.body).message, /max-body-size/);
  });

  test('upstream error keeps its status, body and retry-after', async () => {
    sim.setNext({ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    await assert.rejects(
      client('/router/my-router').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.RateLimitError);
        assert.equal(err.status, 429);
        assert.equal(err.code, 'rate_limit_exceeded');
        assert.equal(err.headers?.get('retry-after'), '7');
        assert.match(err.message, /Rate limit reached/);
        return true;
      },
    );
  });

  test('upstream error before the first stream byte is a normal HTTP error', async () => {
    sim.setNext({ status: 503, body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } } });
    await assert.rejects(
      client('/router/my-router').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      (err: unknown) => err instanceof OpenAI.InternalServerError && err.status === 503,
    );
  });

  test('upstream unreachable → 502', async () => {
    const res = await post('/router/dead/chat/completions', chatBody({ model: 'llama3.2' }));
    assert.equal(res.status, 502);
    assert.equal(errorOf(res.body).code, 'upstream_unreachable');
  });

  test('upstream timeout → 504', async () => {
    sim.setNext({ hang: true });
    const res = await post('/router/my-router/chat/completions', chatBody());
    assert.equal(res.status, 504);
    assert.equal(errorOf(res.body).code, 'upstream_timeout');
  });

  test('missing provider key → 400 naming the variable, nothing sent upstream', async () => {
    const before = sim.requests.length;
    await assert.rejects(
      client('/router/keyless').chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.BadRequestError);
        assert.match(err.message, /ANTHROPIC_API_KEY/);
        assert.match(err.message, /anthropic/);
        return true;
      },
    );
    const ai = await post('/ai/chat/completions', chatBody({ model: 'gemini/gemini-2.5-flash' }));
    assert.equal(ai.status, 400);
    assert.match(errorOf(ai.body).message, /GEMINI_API_KEY/);
    assert.equal(sim.requests.length, before);
  });

  test('upstream connection lost mid-stream → the stream ends with an error', async () => {
    sim.setNext({ dropAfterChunks: 5 });
    const stream = await client('/router/my-router').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await assert.rejects(async () => {
      for await (const _ of stream) {
        // drain
      }
    });
  });

  test('a client abort reaches the upstream at once', async () => {
    sim.setNext({ hang: true });
    const sentBefore = sim.requests.length;
    const controller = new AbortController();
    const pending = client('/router/my-router').chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    await waitFor(() => sim.requests.length > sentBefore);
    const abortedBefore = sim.aborted.length;
    controller.abort();
    await assert.rejects(pending);
    await waitFor(() => sim.aborted.length > abortedBefore, 1000);
  });

  test('malformed shapes and paths are 4xx, never 500', async () => {
    const cases: Array<[string, string, number, string | null]> = [
      ['/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: { weird: 1 } }] }), 400, 'messages[0].content'],
      ['/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: [null] }] }), 400, 'messages[0].content[0]'],
      ['/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'assistant', tool_calls: 'x' }] }), 400, 'messages[0].tool_calls'],
      ['/router/my-router/chat/completions', JSON.stringify({ model: 5, messages: [{ role: 'user', content: 'x' }] }), 400, 'model'],
      ['/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], tools: [null] }), 400, 'tools[0]'],
      ['/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'f', arguments: 5 } }] }] }), 400, 'messages[0].tool_calls[0].function.arguments'],
      ['/router/my-router/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], response_format: 'json' }), 400, 'response_format'],
      ['/%E0%A4%A', '{}', 404, null],
      ['/%', '{}', 404, null],
    ];
    for (const [path, body, status, param] of cases) {
      const res = await post(path, body);
      assert.equal(res.status, status, `${path} ${body}: ${res.body}`);
      assert.equal(errorOf(res.body).param, param);
    }
  });

  test('garbage requests do not disturb others', async () => {
    const bad = Array.from({ length: 20 }, (_, i) => post('/router/my-router/chat/completions', i % 2 ? '{' : '[]'));
    const good = client('/router/my-router').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const results = await Promise.all(bad);
    assert.ok(results.every((r) => r.status === 400));
    assert.equal((await good).object, 'chat.completion');
  });
});

describe('key isolation', () => {
  test('no provider key in any response or log line', async () => {
    const output = gw.output();
    for (const key of [OPENAI_KEY, CUSTOM_KEY]) {
      assert.ok(!output.includes(key), 'key in gateway output');
      for (const body of seenBodies) assert.ok(!body.includes(key), 'key in a response');
    }
    // The fingerprint is all that is shown.
    assert.match(output, /OPENAI_API_KEY \(…abcd\)/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
