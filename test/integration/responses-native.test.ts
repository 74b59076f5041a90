/**
 * Responses to OpenAI and Azure go through natively: the bytes the provider receives are the
 * client's (through a router whose model needs no rewriting), the gateway's key replaces the
 * client's, and the answer — JSON or the event stream — comes back byte for byte. What only
 * OpenAI can judge (built-in tools, its own response ids) is left to it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, KEYS, lastUpstream, startFleet, type Fleet } from '../helpers/responses-fleet.js';
import { parseSse } from '../helpers/responses-events.js';

let fleet: Fleet;

before(async () => {
  fleet = await startFleet();
});
after(() => fleet?.close());

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A client body as a person or an SDK might format it: spacing, key order and escapes kept. */
const RAW = '{ "model": "gpt-4o-mini",\n  "input": [{"role":"user","content":[{"type":"input_text","text":"caf\\u00e9 \u2713 native-marker"}]}],\n  "instructions":"Be brief.", "temperature": 0.25, "max_output_tokens": 64, "store": true, "metadata": {"team":"a"} }';

describe('OpenAI, native', () => {
  test('through a router: the provider receives the client bytes with the gateway key; the JSON answer comes back unchanged', async () => {
    const got = await post(`${fleet.routerUrl('via-openai')}/responses`, RAW);
    assert.equal(got.status, 200, got.text);
    const up = lastUpstream(fleet.target('openai'));
    assert.equal(up.path, '/v1/responses');
    assert.equal(up.raw, RAW, 'byte passthrough of the request');
    assert.equal(up.headers.authorization, `Bearer ${KEYS.openai}`);
    assert.ok(!JSON.stringify(up.headers).includes(CLIENT_KEY));
    const direct = await post(`${fleet.openai.url}v1/responses`, RAW, { authorization: `Bearer ${KEYS.openai}` });
    assert.equal(got.text, direct.text, 'the answer is piped as the provider sent it');
    assert.match(got.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(got.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(got.headers.get('x-ai-gateway-attempts'), '1');
  });

  test('a stream: the event-stream bytes come back unchanged, every typed event in order', async () => {
    const raw = RAW.replace('"store": true', '"store": true, "stream": true');
    const got = await post(`${fleet.routerUrl('via-openai')}/responses`, raw);
    assert.equal(got.status, 200, got.text);
    assert.equal(lastUpstream(fleet.target('openai')).raw, raw);
    const direct = await post(`${fleet.openai.url}v1/responses`, raw, { authorization: `Bearer ${KEYS.openai}` });
    assert.equal(got.text, direct.text);
    assert.match(got.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = parseSse(got.text);
    assert.equal(events[0]?.event, 'response.created');
    assert.equal(events.at(-1)?.event, 'response.completed');
    assert.deepEqual(events.map((e) => e.data.sequence_number), events.map((_, i) => i));
    for (const e of events) assert.equal(e.data.type, e.event);
  });

  test('the root /v1 with a bare model OpenAI lists is native too', async () => {
    const got = await post(`${fleet.gw.url}/v1/responses`, RAW);
    assert.equal(got.status, 200, got.text);
    assert.equal(lastUpstream(fleet.target('openai')).raw, RAW);
    assert.equal(got.headers.get('x-ai-gateway-provider'), 'openai');
  });

  test('on /ai the model loses its provider prefix; everything else goes as sent', async () => {
    const client = new OpenAI({ baseURL: `${fleet.gw.url}/ai/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    const r = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'hi', instructions: 'terse', temperature: 0.5, metadata: { a: '1' } });
    assert.equal(r.output_text, 'Hello from the Responses simulator.');
    assert.equal(r.id, 'resp_68b1f0c2a9e48190b7b2c3d4e5f60718', "OpenAI's own response id");
    assert.deepEqual(lastUpstream(fleet.target('openai')).body, { model: 'gpt-4o-mini', input: 'hi', instructions: 'terse', temperature: 0.5, metadata: { a: '1' } });
  });

  test("what only OpenAI can judge passes: a built-in tool, include, and OpenAI's previous_response_id", async () => {
    const raw = '{"model":"gpt-4o-mini","input":"news?","tools":[{"type":"web_search"}],"include":["web_search_call.action.sources"],"previous_response_id":"resp_held_by_openai_0123"}';
    const got = await post(`${fleet.routerUrl('via-openai')}/responses`, raw);
    assert.equal(got.status, 200, got.text);
    assert.equal(lastUpstream(fleet.target('openai')).raw, raw);
    assert.equal((JSON.parse(got.text) as { previous_response_id: string }).previous_response_id, 'resp_held_by_openai_0123');
  });

  test('a native stream that breaks off ends with an error event the SDK raises', async () => {
    fleet.openai.setNext({ dropAfterChunks: 4 });
    const client = new OpenAI({ baseURL: fleet.routerUrl('via-openai'), apiKey: CLIENT_KEY, maxRetries: 0 });
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'hi' });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    stream.on('event', (e) => events.push(e));
    const err = await stream.finalResponse().then(
      () => assert.fail('the stream must fail'),
      (e: unknown) => e,
    );
    assert.ok(err);
    assert.deepEqual(events.slice(0, 4).map((e) => e.type), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.equal(events.at(-1)?.type, 'error', events.map((e) => e.type).join());
  });

  test("OpenAI's own 400 comes back as OpenAI sent it, as the SDK's BadRequestError", async () => {
    fleet.openai.setNext({ status: 400, body: { error: { message: "Invalid value: 'bogus'. Supported values are: 'auto'.", type: 'invalid_request_error', param: 'truncation', code: 'invalid_value' } } });
    const client = new OpenAI({ baseURL: fleet.routerUrl('via-openai'), apiKey: CLIENT_KEY, maxRetries: 0 });
    const err = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.code, 'invalid_value');
    assert.equal(err.param, 'truncation');
  });
});

describe('Azure, native (v1 API)', () => {
  const body = { model: 'gpt-4o-mini', input: [{ role: 'user', content: 'hello azure-marker' }], instructions: 'Be brief.', max_output_tokens: 50 };

  test('through a router: /openai/v1/responses with the key in api-key, the client bytes, the answer unchanged', async () => {
    const raw = JSON.stringify(body);
    const got = await post(`${fleet.routerUrl('via-azure')}/responses`, raw);
    assert.equal(got.status, 200, got.text);
    const up = lastUpstream(fleet.target('azure'));
    assert.equal(up.path, '/openai/v1/responses');
    assert.equal(up.headers['api-key'], KEYS.azure);
    assert.equal(up.headers.authorization, undefined, "the client's token must not reach Azure");
    assert.equal(JSON.stringify(up.body), raw);
    const direct = await post(`${fleet.azure.url}openai/v1/responses`, raw, { 'api-key': KEYS.azure });
    assert.equal(got.text, direct.text);
    assert.equal(got.headers.get('x-ai-gateway-provider'), 'azure');
  });

  test('the SDK stream through Azure: the same typed events as direct', async () => {
    const client = new OpenAI({ baseURL: fleet.routerUrl('via-azure'), apiKey: CLIENT_KEY, maxRetries: 0 });
    const stream = client.responses.stream({ ...body, input: 'stream please' });
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'Hello from the Responses simulator.');
    assert.equal(final.usage?.total_tokens, 27);
    assert.equal(lastUpstream(fleet.target('azure')).body.stream, true);
  });
});
