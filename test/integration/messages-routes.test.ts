/**
 * Where the Messages ingress is served: `/router/{id}/v1/messages` and `/router/{id}/messages`,
 * `/ai/v1/messages` and `/ai/messages`, and `/v1/messages` at the root. The SDK's baseURL is the
 * part before `/v1/messages` (it appends that itself) — which is also how Claude Code's
 * `ANTHROPIC_BASE_URL=http://host/router/my-router` arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { anthropicClient, recordingFetch } from '../helpers/messages-sdk.js';
import { startFleet, type Fleet } from '../helpers/messages-providers.js';

let fleet: Fleet;
let gw: InProcessGateway;

before(async () => {
  fleet = await startFleet();
  gw = await startInProcess({
    config: fleet.config(`  my-router:
    load-balance:
      chat: { strategy: latency, providers: [openai] }
    model-mappings:
      claude-sonnet-4-5: [openai/gpt-4o-mini]
`),
    env: fleet.env,
  });
});

after(async () => {
  await gw?.close();
  await fleet?.close();
});

const ask = { max_tokens: 64, messages: [{ role: 'user' as const, content: 'which route?' }] };

/** A Messages request by hand, to paths the SDK does not build. */
async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; provider: string | null }> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'client-key-for-routes-0123456789' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, provider: res.headers.get('x-ai-gateway-provider') };
}

describe('routes', () => {
  test('Claude Code shape: baseURL /router/my-router → /router/my-router/v1/messages, the model mapped', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/my-router`, rec.fetch);
    const { data, response } = await client.messages.create({ model: 'claude-sonnet-4-5', ...ask }).withResponse();
    assert.equal(new URL(rec.calls[0].url).pathname, '/router/my-router/v1/messages');
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(data.model, 'claude-sonnet-4-5');
    assert.equal((JSON.parse(fleet.openai.requests.at(-1)?.body ?? '{}') as { model: string }).model, 'gpt-4o-mini');
  });

  test('/router/{id}/messages (without /v1)', async () => {
    const res = await post('/router/my-router/messages', { model: 'claude-sonnet-4-5', ...ask });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.type, 'message');
    assert.equal(res.provider, 'openai');
  });

  test('/ai/v1/messages with provider/model, to a translated provider and to Anthropic', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/ai`, rec.fetch);
    const gemini = await client.messages.create({ model: 'gemini/gemini-2.5-flash', ...ask }).withResponse();
    assert.equal(new URL(rec.calls[0].url).pathname, '/ai/v1/messages');
    assert.equal(gemini.response.headers.get('x-ai-gateway-provider'), 'gemini');
    assert.equal(gemini.data.model, 'gemini/gemini-2.5-flash', 'the model as the client named it');
    assert.match(fleet.gemini.requests.at(-1)?.path ?? '', /^\/v1beta\/models\/gemini-2\.5-flash:generateContent/);

    const before = fleet.anthropic.requests.length;
    const claude = await client.messages.create({ model: 'anthropic/claude-haiku-4-5', ...ask }).withResponse();
    assert.equal(claude.response.headers.get('x-ai-gateway-provider'), 'anthropic');
    assert.equal(fleet.anthropic.requests.length, before + 1);
    assert.equal((fleet.anthropic.requests.at(-1)?.body as { model: string }).model, 'claude-haiku-4-5', 'the provider prefix is not sent');
  });

  test('/ai/messages (without /v1) and a bare model one provider lists', async () => {
    const res = await post('/ai/messages', { model: 'mistral/mistral-small-latest', ...ask });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.provider, 'mistral');
    const bare = await anthropicClient(`${gw.url}/ai`).messages.create({ model: 'claude-haiku-4-5', ...ask }).withResponse();
    assert.equal(bare.response.headers.get('x-ai-gateway-provider'), 'anthropic');
  });

  test('/v1/messages at the root: baseURL is the gateway itself', async () => {
    const rec = recordingFetch();
    const client = anthropicClient(gw.url, rec.fetch);
    const claude = await client.messages.create({ model: 'claude-haiku-4-5', ...ask }).withResponse();
    assert.equal(new URL(rec.calls[0].url).pathname, '/v1/messages');
    assert.equal(claude.response.headers.get('x-ai-gateway-provider'), 'anthropic');
    const ollama = await client.messages.create({ model: 'ollama/llama3.2', ...ask }).withResponse();
    assert.equal(ollama.response.headers.get('x-ai-gateway-provider'), 'ollama');
    assert.equal(ollama.data.type, 'message');
    const mistral = await client.messages.create({ model: 'mistral-small-latest', ...ask }).withResponse();
    assert.equal(mistral.response.headers.get('x-ai-gateway-provider'), 'mistral');
    assert.match(mistral.response.headers.get('x-ai-gateway-attempts') ?? '', /^1$/);
  });

  test('streams on every route', async () => {
    for (const [base, model, provider] of [
      [`${gw.url}/router/my-router`, 'claude-sonnet-4-5', 'openai'],
      [`${gw.url}/ai`, 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', 'bedrock'],
      [gw.url, 'anthropic/claude-haiku-4-5', 'anthropic'],
    ]) {
      const rec = recordingFetch();
      const message = await anthropicClient(base, rec.fetch).messages.stream({ model, ...ask }).finalMessage();
      assert.equal(message.stop_reason, 'end_turn', base);
      assert.equal((await rec.calls[0].response).headers.get('x-ai-gateway-provider'), provider);
    }
  });
});
