/**
 * Messages to a provider of kind anthropic go as they came: the client's body bytes (the model
 * replaced only when the router maps it), the client's `anthropic-version` and `anthropic-beta`,
 * the gateway's key as `x-api-key` (never the client's key or authorization), and the answer's
 * bytes piped back unchanged, streamed or not. And fallback: a router of [failing anthropic,
 * openai] answers a Messages request from OpenAI, translated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { anthropicClient, assertMessagesEventSequence, CLIENT_KEY, parseSse, recordingFetch, WEATHER_TOOL } from '../helpers/messages-sdk.js';
import { KEYS, startFleet, type Fleet } from '../helpers/messages-providers.js';

const BETA = 'prompt-caching-2024-07-31,token-efficient-tools-2025-02-19';
/** Not the SDK's default, so it can only have come from the client. */
const VERSION = '2023-01-01';
const CLIENT_X_API_KEY = 'test-client-x-api-key-0123456789abcdef';

let fleet: Fleet;
let gw: InProcessGateway;

before(async () => {
  fleet = await startFleet();
  gw = await startInProcess({
    config: fleet.config(`  mapped:
    load-balance:
      chat: { strategy: latency, providers: [anthropic] }
    model-mappings:
      house-model: [anthropic/claude-haiku-4-5]
  fallback:
    load-balance:
      chat:
        strategy: weighted
        providers: [{ provider: anthropic, weight: 1 }, { provider: openai, weight: 0.000001 }]
`),
    env: fleet.env,
    seed: 11,
  });
});

after(async () => {
  await gw?.close();
  await fleet?.close();
});

describe('anthropic passthrough', () => {
  test('create: the body bytes, anthropic-version and anthropic-beta arrive as the client sent them, with the gateway key; the answer bytes are unchanged', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/r-anthropic`, rec.fetch);
    const message = await client.messages.create(
      {
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
        metadata: { user_id: 'user-passthrough-1' },
        messages: [{ role: 'user', content: 'Hello — ünïcödé and "quotes" \u2028 stay as sent' }],
      },
      // The SDK sends its key as `authorization: Bearer`; Claude Code sends `x-api-key`: here both.
      { headers: { 'anthropic-version': VERSION, 'anthropic-beta': BETA, 'x-api-key': CLIENT_X_API_KEY } },
    );
    assert.equal(message.type, 'message');
    const upstream = fleet.anthropic.requests.at(-1);
    assert.ok(upstream);
    const sent = rec.calls[0];
    assert.equal(upstream.path, '/v1/messages');
    assert.ok(upstream.raw.equals(sent.body), `bytes differ:\nclient:   ${sent.body.toString()}\nupstream: ${upstream.raw.toString()}`);
    assert.equal(upstream.headers['anthropic-version'], VERSION);
    assert.equal(upstream.headers['anthropic-beta'], BETA);
    assert.equal(upstream.headers['x-api-key'], KEYS.anthropic);
    assert.equal(sent.headers.get('authorization'), `Bearer ${CLIENT_KEY}`, 'the client did send its own keys');
    assert.equal(sent.headers.get('x-api-key'), CLIENT_X_API_KEY);
    const headersUpstream = JSON.stringify(upstream.headers);
    assert.ok(!headersUpstream.includes(CLIENT_KEY) && !headersUpstream.includes(CLIENT_X_API_KEY), 'the client keys never go upstream');
    assert.equal(upstream.headers.authorization, undefined);

    const answer = await sent.response;
    assert.equal(answer.status, 200);
    assert.ok(upstream.answer, 'the simulator answered');
    assert.ok(answer.body.equals(upstream.answer.body), `answer bytes differ:\n${answer.body.toString()}\n${upstream.answer.body.toString()}`);
    assert.equal(answer.headers.get('x-ai-gateway-provider'), 'anthropic');
  });

  test('stream with a tool: the SSE bytes are piped unchanged and the SDK assembles the tool_use', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/r-anthropic`, rec.fetch);
    const stream = client.messages.stream(
      { model: 'claude-haiku-4-5', max_tokens: 256, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'weather in Paris?' }] },
      { headers: { 'anthropic-beta': BETA } },
    );
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'tool_use');
    const upstream = fleet.anthropic.requests.at(-1);
    assert.ok(upstream);
    assert.ok(upstream.raw.equals(rec.calls[0].body), 'streamed request bytes unchanged');
    assert.equal(upstream.headers['anthropic-beta'], BETA);
    assert.equal(upstream.headers['anthropic-version'], rec.calls[0].headers.get('anthropic-version'), "the SDK's version, kept");
    const answer = await rec.calls[0].response;
    assert.ok(upstream.answer && answer.body.equals(upstream.answer.body), 'SSE bytes unchanged');
    assertMessagesEventSequence(parseSse(answer.body.toString('utf8')));
  });

  test('bytes a re-serialisation would change (spacing, key order, \\u escapes, 1.0) arrive unchanged, streamed or not', async () => {
    for (const stream of [false, true]) {
      const body = `{\n  "messages" : [ { "content": "caf\\u00e9 \\ud83d\\ude00 \\/ slash", "role": "user" } ],\n  "temperature": 1.0,\n  "max_tokens": 64, "model": "claude-haiku-4-5"${stream ? ', "stream": true' : ''}\n}\n`;
      const res = await fetch(`${gw.url}/router/r-anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': CLIENT_X_API_KEY },
        body,
      });
      const answer = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, answer.toString());
      const upstream = fleet.anthropic.requests.at(-1);
      assert.equal(upstream?.raw.toString('utf8'), body, 'the body as the client wrote it');
      assert.ok(upstream?.answer && answer.equals(upstream.answer.body), 'the answer as Anthropic wrote it');
      assert.equal(upstream.headers['x-api-key'], KEYS.anthropic);
    }
  });

  test("a client without anthropic-version gets the provider's; its authorization header is not forwarded", async () => {
    const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    const res = await fetch(`${gw.url}/router/r-anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body,
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
    const upstream = fleet.anthropic.requests.at(-1);
    assert.equal(upstream?.headers['anthropic-version'], '2023-06-01');
    assert.equal(upstream?.headers.authorization, undefined);
    assert.equal(upstream?.headers['x-api-key'], KEYS.anthropic);
    assert.equal(upstream?.raw.toString(), body);
  });

  test('a router that maps the model (one Anthropic does not list) changes only the model', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/mapped`, rec.fetch);
    const params = {
      model: 'house-model',
      max_tokens: 128,
      temperature: 0.5,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'auto' as const },
      messages: [{ role: 'user' as const, content: 'mapped?' }],
    };
    await client.messages.create(params);
    const upstream = fleet.anthropic.requests.at(-1);
    const body = upstream?.body as Record<string, unknown>;
    assert.equal(body.model, 'claude-haiku-4-5');
    assert.deepEqual({ ...body, model: params.model }, JSON.parse(rec.calls[0].body.toString()));
  });
});

describe('fallback', () => {
  test('[failing anthropic (500), openai]: answered by openai, translated, after 2 attempts', async () => {
    const openaiBefore = fleet.openai.requests.length;
    fleet.anthropic.setNext({ kind: 'error', status: 500, message: 'simulated internal error' });
    const client = anthropicClient(`${gw.url}/router/fallback`);
    const { data: message, response } = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 100, system: 'Fallback system.', messages: [{ role: 'user', content: 'who answers?' }] })
      .withResponse();
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.match(response.headers.get('x-request-id') ?? '', /\S/);
    assert.equal(fleet.anthropic.requests.at(-1)?.answer?.status, 500, 'anthropic was tried first and failed');
    assert.equal(fleet.openai.requests.length, openaiBefore + 1);
    assert.equal(message.model, 'claude-haiku-4-5', 'the model the client named');
    assert.equal(message.stop_reason, 'end_turn');
    assert.deepEqual(message.content.map((b) => b.type), ['text']);
    assert.equal(message.content[0].type === 'text' && message.content[0].text, 'Hello from the simulator.');
    const sent = JSON.parse(fleet.openai.requests.at(-1)?.body ?? '{}') as { model: string; messages: Array<{ role: string; content: unknown }> };
    assert.equal(sent.model, 'gpt-4o-mini', "the mapping's OpenAI equivalent");
    assert.deepEqual(sent.messages.map((m) => m.role), ['system', 'user']);
    assert.ok(JSON.stringify(sent.messages).includes('Fallback system.'));
  });

  test('a stream falls back before its first byte and comes back in Anthropic events', async () => {
    fleet.anthropic.setNext({ kind: 'error', status: 500 });
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/fallback`, rec.fetch);
    const message = await client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'stream?' }] }).finalMessage();
    const answer = await rec.calls[0].response;
    assert.equal(answer.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(answer.headers.get('x-ai-gateway-attempts'), '2');
    const summary = assertMessagesEventSequence(parseSse(answer.body.toString('utf8')));
    assert.equal(summary.stopReason, 'end_turn');
    assert.equal(summary.model, 'claude-haiku-4-5');
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.ok(text.length > 20, text);
  });
});
