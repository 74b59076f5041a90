/**
 * `client.messages.countTokens` through the gateway: where the route's provider is Anthropic the
 * request is forwarded to its `/v1/messages/count_tokens` (with the gateway's key) and Anthropic's
 * count comes back; everywhere else the gateway estimates, without calling any provider, within
 * 10 % of the counts Anthropic published for known requests
 * (test/fixtures/count-tokens/anthropic-published-counts.json, see its SOURCES.md).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { anthropicClient, assertAnthropicErrorBody, CLIENT_KEY, recordingFetch, rejectionOf, WEATHER_TOOL } from '../helpers/messages-sdk.js';
import { KEYS, startFleet, type Fleet } from '../helpers/messages-providers.js';

interface PublishedCount {
  what: string;
  request: Anthropic.MessageCountTokensParams;
  input_tokens: number;
}

const PUBLISHED = JSON.parse(await readFile(new URL('../fixtures/count-tokens/anthropic-published-counts.json', import.meta.url), 'utf8')) as PublishedCount[];
/** What the Anthropic simulator counts: no estimate would land on it. */
const ANTHROPIC_COUNT = 7777;

let fleet: Fleet;
let gw: InProcessGateway;

before(async () => {
  fleet = await startFleet();
  fleet.anthropic.setInputTokens(ANTHROPIC_COUNT);
  gw = await startInProcess({
    config: fleet.config(`  my-router:
    load-balance:
      chat: { strategy: latency, providers: [bedrock] }
    model-mappings:
      claude-sonnet-4-5: [bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0]
`),
    env: fleet.env,
  });
});

after(async () => {
  await gw?.close();
  await fleet?.close();
});

/** Requests received by every simulator, together. */
const upstreamCount = (): number =>
  [fleet.openai, fleet.anthropic, fleet.gemini, fleet.bedrock, fleet.mistral, fleet.ollama, fleet.azure, fleet.vertex].reduce((n, s) => n + s.requests.length, 0);

const params = (model: string): Anthropic.MessageCountTokensParams => ({
  model,
  system: 'You are a careful assistant.',
  messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
});

describe('forwarded where the route leads to Anthropic', () => {
  test('a router to Anthropic: the client bytes go to /v1/messages/count_tokens with the gateway key; the count comes back', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/r-anthropic`, rec.fetch);
    const before = fleet.anthropic.requests.length;
    const { data, response } = await client.messages.countTokens(params('claude-haiku-4-5'), { headers: { 'anthropic-beta': 'token-counting-2024-11-01' } }).withResponse();
    assert.deepEqual(data, { input_tokens: ANTHROPIC_COUNT });
    assert.equal(fleet.anthropic.requests.length, before + 1);
    const upstream = fleet.anthropic.requests.at(-1);
    assert.equal(upstream?.path, '/v1/messages/count_tokens');
    assert.ok(upstream?.raw.equals(rec.calls[0].body), 'the body as the client sent it');
    assert.equal(upstream.headers['x-api-key'], KEYS.anthropic);
    assert.ok(!JSON.stringify(upstream.headers).includes(CLIENT_KEY));
    assert.equal(upstream.headers['anthropic-beta'], 'token-counting-2024-11-01');
    assert.equal(upstream.headers['anthropic-version'], rec.calls[0].headers.get('anthropic-version'), "the SDK's version");
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'anthropic');
  });

  test('hand-written bytes (spacing, escapes) reach Anthropic unchanged', async () => {
    const body = '{ "model":"claude-haiku-4-5",\n  "messages": [ {"role":"user", "content":"na\\u00efve  count"} ] }';
    const res = await fetch(`${gw.url}/router/r-anthropic/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body });
    assert.deepEqual(await res.json(), { input_tokens: ANTHROPIC_COUNT });
    assert.equal(fleet.anthropic.requests.at(-1)?.raw.toString('utf8'), body);
  });

  test('/ai with anthropic/… and the root with a bare Claude model are forwarded too', async () => {
    for (const [base, model] of [
      [`${gw.url}/ai`, 'anthropic/claude-haiku-4-5'],
      [gw.url, 'claude-haiku-4-5'],
    ]) {
      const before = fleet.anthropic.requests.length;
      const count = await anthropicClient(base).messages.countTokens(params(model));
      assert.equal(count.input_tokens, ANTHROPIC_COUNT, base);
      assert.equal(fleet.anthropic.requests.length, before + 1, base);
      const upstream = fleet.anthropic.requests.at(-1);
      assert.equal(upstream?.path, '/v1/messages/count_tokens');
      assert.equal((upstream?.body as { model: string }).model, 'claude-haiku-4-5');
    }
  });

  test("Anthropic's refusal comes back as Anthropic's error", async () => {
    const err = await rejectionOf(anthropicClient(`${gw.url}/router/r-anthropic`).messages.countTokens({ model: 'claude-haiku-4-5', messages: [] }));
    assert.ok(err instanceof Anthropic.BadRequestError, String(err));
    assertAnthropicErrorBody(err.error, 'invalid_request_error');
  });
});

describe('estimated elsewhere, without calling a provider', () => {
  test('routers to translated providers, /ai and the root: a positive count, no upstream request', async () => {
    const routes: Array<[string, string]> = [
      [`${gw.url}/router/r-openai`, 'gpt-4o-mini'],
      [`${gw.url}/router/r-gemini`, 'gemini-2.5-flash'],
      [`${gw.url}/router/r-vertex-claude`, 'claude-sonnet-4-5@20250929'],
      [`${gw.url}/router/my-router`, 'claude-sonnet-4-5'],
      [`${gw.url}/ai`, 'openai/gpt-4o-mini'],
      [gw.url, 'mistral-small-latest'],
    ];
    const before = upstreamCount();
    const counts: number[] = [];
    for (const [base, model] of routes) {
      const { input_tokens } = await anthropicClient(base).messages.countTokens(params(model));
      assert.ok(Number.isInteger(input_tokens) && input_tokens > 0 && input_tokens !== ANTHROPIC_COUNT, `${base} ${model}: ${input_tokens}`);
      counts.push(input_tokens);
    }
    assert.equal(upstreamCount(), before, 'no provider was asked');
    assert.equal(new Set(counts).size, 1, `the same text, the same estimate: ${counts.join(', ')}`);
  });

  test('the estimate grows with the text and counts tools', async () => {
    const client = anthropicClient(`${gw.url}/router/r-openai`);
    const base = (await client.messages.countTokens(params('gpt-4o-mini'))).input_tokens;
    const longer = (await client.messages.countTokens({ ...params('gpt-4o-mini'), messages: [{ role: 'user', content: 'How many tokens is this sentence? '.repeat(50) }] })).input_tokens;
    assert.ok(longer > base * 10, `${base} → ${longer}`);
    const withTool = (await client.messages.countTokens({ ...params('gpt-4o-mini'), tools: [WEATHER_TOOL] })).input_tokens;
    assert.ok(withTool > base + 100, `a tool adds Anthropic's tool-use preamble: ${base} → ${withTool}`);
  });

  for (const ref of PUBLISHED) {
    test(`within 10 % of Anthropic's published count: ${ref.what} (${ref.input_tokens})`, async () => {
      for (const base of [`${gw.url}/router/my-router`, `${gw.url}/router/r-gemini`]) {
        const { input_tokens } = await anthropicClient(base).messages.countTokens(ref.request);
        assert.ok(Math.abs(input_tokens - ref.input_tokens) <= ref.input_tokens * 0.1, `${base}: estimate ${input_tokens}, Anthropic counted ${ref.input_tokens}`);
      }
    });
  }

  test('a bad count_tokens request is a 400 in Anthropic shape; an unknown router a 404', async () => {
    const bad = await rejectionOf(anthropicClient(`${gw.url}/router/r-openai`).messages.countTokens({ messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCountTokensParams));
    assert.ok(bad instanceof Anthropic.BadRequestError, String(bad));
    assertAnthropicErrorBody(bad.error, 'invalid_request_error');
    const missing = await rejectionOf(anthropicClient(`${gw.url}/router/nope`).messages.countTokens(params('gpt-4o-mini')));
    assert.ok(missing instanceof Anthropic.NotFoundError, String(missing));
    assertAnthropicErrorBody(missing.error, 'not_found_error');
  });

  test('count_tokens paths without /v1 are served as well', async () => {
    for (const path of ['/router/r-openai/messages/count_tokens', '/ai/messages/count_tokens']) {
      const res = await fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(params(path.startsWith('/ai') ? 'openai/gpt-4o-mini' : 'gpt-4o-mini')),
      });
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      const body = (await res.json()) as { input_tokens: number };
      assert.ok(body.input_tokens > 0);
    }
  });
});
