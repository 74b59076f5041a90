/**
 * Where the Responses API is served — `/router/{id}/v1/responses`, `/router/{id}/responses`,
 * `/ai/v1/responses` and `/v1/responses` at the root, with SDK base URLs ending where the SDK
 * expects — with routing (model mapping, fallback), and its errors in OpenAI's shape: bad input
 * is a 400 BadRequestError naming the field, an upstream 429 a RateLimitError, a failure
 * mid-stream `response.failed` then `error`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, lastUpstream, startFleet, type Fleet } from '../helpers/responses-fleet.js';
import { assertWellFormed, collectEvents, folded, TEXT_SEQUENCE } from '../helpers/responses-events.js';

let fleet: Fleet;

before(async () => {
  fleet = await startFleet({
    routers: `  fallback:
    load-balance:
      chat:
        strategy: weighted
        providers: [{ provider: mistral, weight: 1 }, { provider: anthropic, weight: 0.000001 }]
`,
  });
});
after(() => fleet?.close());

const sdk = (baseURL: string): OpenAI => new OpenAI({ baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected the request to fail'),
    (e: unknown) => e,
  );
}

describe('routes', () => {
  const cases = [
    { route: '/router/{id}/v1/responses', base: () => fleet.routerUrl('via-anthropic'), model: 'claude-haiku-4-5', provider: 'anthropic' },
    { route: '/router/{id}/responses', base: () => `${fleet.gw.url}/router/via-anthropic`, model: 'claude-haiku-4-5', provider: 'anthropic' },
    { route: '/ai/v1/responses', base: () => `${fleet.gw.url}/ai/v1`, model: 'gemini/gemini-2.5-flash', provider: 'gemini' },
    { route: '/v1/responses (root)', base: () => `${fleet.gw.url}/v1`, model: 'mistral/mistral-small-latest', provider: 'mistral' },
  ];
  for (const c of cases) {
    test(`${c.route}: create and stream`, async () => {
      const client = sdk(c.base());
      const { data, response } = await client.responses.create({ model: c.model, input: 'hi' }).withResponse();
      assert.equal(data.status, 'completed');
      assert.ok(data.output_text.length > 0);
      assert.equal(response.headers.get('x-ai-gateway-provider'), c.provider);
      const stream = client.responses.stream({ model: c.model, input: 'hi' });
      const events = await collectEvents(stream);
      assert.deepEqual(folded(events), TEXT_SEQUENCE);
      assertWellFormed(events, c.route);
      assert.equal((await stream.finalResponse()).output_text, data.output_text);
    });
  }

  test('the root /v1 takes a bare model a provider lists', async () => {
    const { response } = await sdk(`${fleet.gw.url}/v1`).responses.create({ model: 'claude-haiku-4-5', input: 'hi' }).withResponse();
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'anthropic');
  });

  test("a router maps the client's model to the provider's equivalent", async () => {
    const r = await sdk(fleet.routerUrl('via-anthropic')).responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    assert.equal(r.status, 'completed');
    assert.equal(lastUpstream(fleet.target('anthropic')).body.model, 'claude-haiku-4-5');
  });

  test('a router falls back to its next provider when the first fails before answering', async () => {
    fleet.mistral.setNext({ status: 503, body: { object: 'error', message: 'Service unavailable', type: 'service_unavailable', code: '1000' } });
    const before = fleet.anthropic.requests.length;
    const { data, response } = await sdk(fleet.routerUrl('fallback')).responses.create({ model: 'mistral-small-latest', input: 'hi' }).withResponse();
    assert.equal(data.status, 'completed');
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'anthropic');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.equal(fleet.anthropic.requests.length, before + 1);
  });

  test('an input_image (data URL) becomes an Anthropic image block', async () => {
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const r = await sdk(fleet.routerUrl('via-anthropic')).responses.create({
      model: 'claude-haiku-4-5',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: `data:image/png;base64,${pixel}`, detail: 'auto' }] }],
    });
    assert.equal(r.status, 'completed');
    const content = (lastUpstream(fleet.target('anthropic')).body as { messages: Array<{ content: unknown[] }> }).messages[0]!.content;
    assert.deepEqual(content, [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } }]);
  });

  test('an unknown router is a 404 in OpenAI shape', async () => {
    const err = await rejection(sdk(fleet.routerUrl('no-such-router')).responses.create({ model: 'gpt-4o-mini', input: 'hi' }));
    assert.ok(err instanceof OpenAI.NotFoundError, String(err));
  });
});

describe('errors', () => {
  async function raw(body: string): Promise<{ status: number; error: Record<string, unknown> }> {
    const res = await fetch(`${fleet.gw.url}/ai/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const json = (await res.json()) as { error: Record<string, unknown> };
    return { status: res.status, error: json.error };
  }

  test('a missing model is a 400 BadRequestError naming model, in OpenAI shape', async () => {
    const client = sdk(`${fleet.gw.url}/ai/v1`);
    const err = await rejection(client.responses.create({ input: 'hi' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming));
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.param, 'model');
    assert.equal(err.type, 'invalid_request_error');
    const { status, error } = await raw('{"input":"hi"}');
    assert.equal(status, 400);
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(error.param, 'model');
  });

  test('fields of the wrong type are 400s naming the field; nothing reaches the provider', async () => {
    const before = fleet.anthropic.requests.length;
    for (const [body, param] of [
      ['{"model":"anthropic/claude-haiku-4-5","input":42}', 'input'],
      ['{"model":"anthropic/claude-haiku-4-5","input":"hi","temperature":"hot"}', 'temperature'],
      ['{"model":"anthropic/claude-haiku-4-5","input":[{"role":"wizard","content":"hi"}]}', 'input[0].role'],
      ['{"model":"anthropic/claude-haiku-4-5","input":"hi","tools":[{"type":"function"}]}', 'tools[0].name'],
    ] as const) {
      const { status, error } = await raw(body);
      assert.equal(status, 400, body);
      assert.equal(error.type, 'invalid_request_error', body);
      assert.equal(error.param, param, `${body}: ${JSON.stringify(error)}`);
    }
    assert.equal((await raw('{"model": "anthropic/claude-haiku-4-5", "input": ')).status, 400, 'broken JSON');
    assert.equal(fleet.anthropic.requests.length, before);
  });

  test('a built-in tool on a translated route is a 400 naming the tool', async () => {
    const err = await rejection(sdk(`${fleet.gw.url}/ai/v1`).responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'hi', tools: [{ type: 'web_search' }] }));
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.param, 'tools[0].type');
    assert.match(err.message, /web_search/);
  });

  test('a translated upstream 429 is the SDK RateLimitError, with retry-after', async () => {
    fleet.anthropic.setNext({ kind: 'error', status: 429, retryAfter: 3 });
    const err = await rejection(sdk(fleet.routerUrl('via-anthropic')).responses.create({ model: 'claude-haiku-4-5', input: 'hi' }));
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.status, 429);
    assert.equal(err.headers?.get('retry-after'), '3');
  });

  test('a native upstream 429 is the SDK RateLimitError with OpenAI error fields', async () => {
    fleet.openai.setNext({ status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'Rate limit reached for gpt-4o-mini on tokens per min (TPM).', type: 'tokens', param: null, code: 'rate_limit_exceeded' } } });
    const err = await rejection(sdk(fleet.routerUrl('via-openai')).responses.create({ model: 'gpt-4o-mini', input: 'hi' }));
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.code, 'rate_limit_exceeded');
  });

  test('a 429 before a stream starts is a RateLimitError from responses.stream', async () => {
    fleet.gemini.setNext({ kind: 'error', status: 429, body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } } });
    const stream = sdk(`${fleet.gw.url}/ai/v1`).responses.stream({ model: 'gemini/gemini-2.5-flash', input: 'hi' });
    const err = await rejection(stream.finalResponse());
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
  });

  test('a failure mid-stream: response.failed, then an error event the SDK raises', async () => {
    fleet.anthropic.setNext({ kind: 'stream-error', afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' });
    const stream = sdk(fleet.routerUrl('via-anthropic')).responses.stream({ model: 'claude-haiku-4-5', input: 'hi' });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    stream.on('event', (e) => events.push(e));
    const err = await rejection(stream.finalResponse());
    assert.ok(err, 'the SDK raises');
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'response.created');
    const failed = events.find((e) => e.type === 'response.failed');
    assert.ok(failed?.type === 'response.failed', types.join());
    assert.equal(failed.response.status, 'failed');
    assert.ok(failed.response.error?.message, JSON.stringify(failed.response.error));
    assert.equal(types.at(-1), 'error');
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  });

  test('Ollama cannot force a named function: a 400 naming tool_choice', async () => {
    const err = await rejection(
      sdk(`${fleet.gw.url}/ai/v1`).responses.create({
        model: 'ollama/llama3.2',
        input: 'hi',
        tools: [{ type: 'function', name: 'weather', parameters: { type: 'object', properties: {} }, strict: false }],
        tool_choice: { type: 'function', name: 'weather' },
      }),
    );
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.param, 'tool_choice');
  });
});
