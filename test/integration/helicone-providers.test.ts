/**
 * Helicone-compatible provider behaviour, in process against the simulators:
 * - Helicone's response headers (`helicone-provider`, `helicone-provider-req-id`) and the
 *   `response-headers` switches that remove them (item 10);
 * - Bedrock signs for the region in its base-url host unless `region` is set, checked by the
 *   simulator re-deriving the SigV4 signature (item 11);
 * - `api-key: none` sends no credential, and a base-url ending in `/v1` never doubles the path
 *   (item 17).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import OpenAI from 'openai';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startBedrockSimulator, type BedrockSimulator } from '../simulators/bedrock.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { regionFromBedrockHost } from '../../src/providers/bedrock/region-from-host.js';
import { joinPassthroughPath, versionedApiPath } from '../../src/providers/base-path.js';
import { geminiMethodPath } from '../../src/providers/gemini/gemini-paths.js';

const KEYS = { OPENAI_API_KEY: 'sk-openai-test-key', ANTHROPIC_API_KEY: 'sk-ant-test-key' };
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe("item 10: Helicone's response headers", () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let on: InProcessGateway;
  let off: InProcessGateway;

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: KEYS.OPENAI_API_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: KEYS.ANTHROPIC_API_KEY });
    const providers = `providers:\n  openai: { base-url: "${openai.url}" }\n  anthropic: { base-url: "${anthropic.url}" }\n`;
    on = await startInProcess({ env: KEYS, config: providers });
    off = await startInProcess({ env: KEYS, config: `${providers}response-headers: { provider: false, provider-request-id: false }\n` });
  });
  after(async () => {
    await on.close();
    await off.close();
    await openai.close();
    await anthropic.close();
  });

  test('chat, streamed or not, carries helicone-provider and helicone-provider-req-id next to ours', async () => {
    const client = new OpenAI({ baseURL: `${on.url}/ai`, apiKey: 'client', maxRetries: 0 });
    const plain = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', ...ask }).withResponse();
    assert.equal(plain.response.headers.get('helicone-provider'), 'openai');
    assert.equal(plain.response.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(plain.response.headers.get('helicone-provider-req-id'), 'req_sim_123');
    assert.equal(plain.response.headers.get('x-ai-gateway-provider-request-id'), 'req_sim_123');
    const streamed = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', ...ask, stream: true }).withResponse();
    for await (const chunk of streamed.data) void chunk;
    assert.equal(streamed.response.headers.get('helicone-provider'), 'openai');
    assert.equal(streamed.response.headers.get('helicone-provider-req-id'), 'req_sim_stream');
    // Anthropic names its id `request-id`.
    const translated = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', ...ask }).withResponse();
    assert.equal(translated.response.headers.get('helicone-provider'), 'anthropic');
    assert.match(translated.response.headers.get('helicone-provider-req-id') ?? '', /^req_sim_\d+$/);
  });

  test('passthrough responses carry them too, and the upstream x-request-id is not relayed as ours', async () => {
    const res = await fetch(`${on.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', ...ask }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('helicone-provider'), 'openai');
    assert.equal(res.headers.get('helicone-provider-req-id'), 'req_sim_123');
    assert.notEqual(res.headers.get('x-request-id'), 'req_sim_123');
  });

  test('response-headers: provider: false / provider-request-id: false remove both spellings', async () => {
    const client = new OpenAI({ baseURL: `${off.url}/ai`, apiKey: 'client', maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', ...ask }).withResponse();
    for (const name of ['helicone-provider', 'x-ai-gateway-provider', 'helicone-provider-req-id', 'x-ai-gateway-provider-request-id']) {
      assert.equal(response.headers.get(name), null, name);
    }
    assert.ok(response.headers.get('x-request-id'), 'the gateway request id stays');
    const passthrough = await fetch(`${off.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', ...ask }),
    });
    await passthrough.arrayBuffer();
    assert.equal(passthrough.headers.get('helicone-provider'), null);
    assert.equal(passthrough.headers.get('helicone-provider-req-id'), null);
  });
});

describe('item 11: Bedrock signs for the region in its base-url host', () => {
  const AWS = { accessKeyId: 'TESTFAKEREGIONKEY01', secretAccessKey: 'region-test-secret-key-0000000000000000' };
  let west: BedrockSimulator;
  let europe: BedrockSimulator;
  const originalLookup = dns.lookup;

  before(async () => {
    west = await startBedrockSimulator({ ...AWS, region: 'us-west-2' });
    europe = await startBedrockSimulator({ ...AWS, region: 'eu-west-1' });
    // AWS endpoint names resolve to the local simulators, so the real host names are signed.
    const patched = ((hostname: string, ...rest: unknown[]) =>
      (originalLookup as (...args: unknown[]) => void)(hostname.endsWith('.amazonaws.com') ? '127.0.0.1' : hostname, ...rest)) as typeof dns.lookup;
    dns.lookup = patched;
  });
  after(async () => {
    dns.lookup = originalLookup;
    await west.close();
    await europe.close();
  });

  async function converse(config: string, env: Record<string, string> = {}): Promise<number> {
    const gw = await startInProcess({ env: { AWS_ACCESS_KEY_ID: AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey, ...env }, config });
    try {
      const res = await fetch(`${gw.url}/ai/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', ...ask }),
      });
      await res.arrayBuffer();
      return res.status;
    } finally {
      await gw.close();
    }
  }

  const port = (sim: BedrockSimulator): string => new URL(sim.url).port;

  test('bedrock-runtime.us-west-2.amazonaws.com is signed for us-west-2 (AWS_REGION does not override it)', async () => {
    const status = await converse(`providers:\n  bedrock: { base-url: "http://bedrock-runtime.us-west-2.amazonaws.com:${port(west)}/" }\n`, { AWS_REGION: 'us-east-1' });
    assert.equal(status, 200);
    const last = west.requests[west.requests.length - 1];
    assert.equal(last.signatureValid, true, last.signatureProblem);
    assert.match(String(last.headers.authorization), /\/us-west-2\/bedrock\/aws4_request/);
  });

  test('an explicit region wins over the host', async () => {
    const status = await converse(`providers:\n  bedrock: { base-url: "http://bedrock-runtime.us-west-2.amazonaws.com:${port(europe)}/", region: eu-west-1 }\n`);
    assert.equal(status, 200);
    assert.equal(europe.requests[europe.requests.length - 1].signatureValid, true);
  });

  test('the region is read from AWS host forms, and only from them', () => {
    assert.equal(regionFromBedrockHost('https://bedrock-runtime.us-west-2.amazonaws.com/'), 'us-west-2');
    assert.equal(regionFromBedrockHost('https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com'), 'us-gov-west-1');
    assert.equal(regionFromBedrockHost('https://vpce-0abc.bedrock-runtime.eu-central-1.vpce.amazonaws.com/'), 'eu-central-1');
    assert.equal(regionFromBedrockHost('http://127.0.0.1:4000/'), undefined);
    assert.equal(regionFromBedrockHost('https://bedrock-proxy.internal/'), undefined);
  });
});

describe('item 17: keyless providers and base-urls ending in /v1', () => {
  let local: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;

  before(async () => {
    local = await startOpenAISimulator();
    anthropic = await startAnthropicSimulator({ apiKey: KEYS.ANTHROPIC_API_KEY });
    gw = await startInProcess({
      env: { ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY },
      config: `
providers:
  local-llm: { base-url: "${local.url}v1", api-key: none, models: [qwen2.5-7b] }
  anthropic: { base-url: "${anthropic.url}v1" }
routers:
  local:
    load-balance:
      chat: { strategy: latency, providers: [local-llm] }
`,
    });
  });
  after(async () => {
    await gw.close();
    await local.close();
    await anthropic.close();
  });

  test('api-key: none: requests go out with no Authorization, whatever the client sent', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/router/local`, apiKey: 'client-secret-key', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'qwen2.5-7b', ...ask });
    assert.ok(res.choices[0].message.content);
    const pass = await fetch(`${gw.url}/local-llm/v1/models`, { headers: { authorization: 'Bearer client-secret-key' } });
    await pass.arrayBuffer();
    assert.ok(local.requests.length >= 2);
    for (const r of local.requests) assert.equal(r.headers.authorization, undefined, r.path);
  });

  test('base-url …/v1: chat goes to /v1/chat/completions, passthrough /v1/models to /v1/models', async () => {
    const paths = local.requests.map((r) => r.path);
    assert.ok(paths.includes('/v1/chat/completions'), paths.join(', '));
    assert.ok(paths.includes('/v1/models'), paths.join(', '));
    assert.ok(!paths.some((p) => p.includes('/v1/v1/')), paths.join(', '));
  });

  test('Anthropic with base-url …/v1 is sent /v1/messages, not /v1/v1/messages', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/ai`, apiKey: 'client', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', ...ask });
    assert.ok(res.choices[0].message.content);
    assert.equal(anthropic.requests[anthropic.requests.length - 1].path, '/v1/messages');
    const pass = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(pass.status, 200);
    assert.equal(anthropic.requests[anthropic.requests.length - 1].path, '/v1/messages');
  });

  test('every adapter joins paths without a doubled version', () => {
    assert.equal(versionedApiPath('/', 'v1/messages'), '/v1/messages');
    assert.equal(versionedApiPath('/v1/', 'v1/messages'), '/v1/messages');
    assert.equal(versionedApiPath('/anthropic/v1/', 'v1/messages'), '/anthropic/v1/messages');
    assert.equal(geminiMethodPath(new URL('https://g.example/v1beta/'), 'gemini-2.5-flash', 'generateContent'), '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(geminiMethodPath(new URL('https://g.example/'), 'gemini-2.5-flash', 'generateContent'), '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(joinPassthroughPath('/', 'v1/models'), '/v1/models');
    assert.equal(joinPassthroughPath('/v1/', 'v1/models'), '/v1/models');
    assert.equal(joinPassthroughPath('/openai/v1/', 'v1/models'), '/openai/v1/models');
    assert.equal(joinPassthroughPath('/v1beta/openai/', 'v1beta/openai/chat/completions'), '/v1beta/openai/chat/completions');
    assert.equal(joinPassthroughPath('/openai/', 'v1/models'), '/openai/v1/models', 'Groq-style base: nothing to drop');
    assert.equal(joinPassthroughPath('/api/', 'api/x'), '/api/api/x', 'only overlaps that include a version are folded');
    assert.equal(joinPassthroughPath('/v1/', 'v1'), '/v1/');
  });
});
