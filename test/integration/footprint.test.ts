/**
 * Resident memory is mostly code: what a process loads it keeps. These tests pin down that a
 * gateway serving OpenAI and Anthropic traffic never loads undici's unused half (fetch,
 * WebSocket, …; ~9 MB), the AWS libraries (~10 MB) or OpenTelemetry (only with traces exported),
 * and that Bedrock still loads the AWS libraries on its first request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startBedrockSimulator, type BedrockSimulator } from '../simulators/bedrock.js';

const AWS = { accessKeyId: 'test-footprint-access-key', secretAccessKey: 'footprint-secret-key-0000000000000000', region: 'us-east-1' };
const PROBE = fileURLToPath(new URL('../helpers/loaded-modules-probe.mjs', import.meta.url));

let openaiSim: OpenAISimulator;
let anthropicSim: AnthropicSimulator;
let bedrockSim: BedrockSimulator;

before(async () => {
  openaiSim = await startOpenAISimulator({ apiKey: 'sk-footprint-openai' });
  anthropicSim = await startAnthropicSimulator({ apiKey: 'sk-footprint-anthropic' });
  bedrockSim = await startBedrockSimulator(AWS);
});

after(async () => {
  await openaiSim?.close();
  await anthropicSim?.close();
  await bedrockSim?.close();
});

/** Runs `requests` through a fresh gateway and returns the CommonJS modules it had loaded at exit. */
async function loadedModules(requests: (client: OpenAI) => Promise<void>): Promise<string[]> {
  let gw: GatewayProcess | undefined;
  try {
    gw = await startGateway({
      config: `
providers:
  openai: { base-url: "${openaiSim.url}" }
  anthropic: { base-url: "${anthropicSim.url}" }
  bedrock: { base-url: "${bedrockSim.url}" }
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [openai, anthropic, bedrock] }
`,
      env: {
        OPENAI_API_KEY: 'sk-footprint-openai',
        ANTHROPIC_API_KEY: 'sk-footprint-anthropic',
        AWS_ACCESS_KEY_ID: AWS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey,
        AWS_REGION: AWS.region,
        NODE_OPTIONS: `--import ${PROBE}`,
        LOADED_MODULES_FILE: 'loaded-modules.txt',
      },
    });
    // `/ai` sends each model to the provider it names (a router would let its strategy choose).
    await requests(new OpenAI({ baseURL: `${gw.url}/ai`, apiKey: 'client-key', maxRetries: 0 }));
    await gw.stop();
    return (await readFile(join(gw.dir, 'loaded-modules.txt'), 'utf8')).split('\n').filter(Boolean);
  } finally {
    await gw?.stop();
  }
}

const has = (modules: string[], fragment: string): boolean => modules.some((path) => path.includes(fragment));

test('OpenAI and Anthropic traffic loads only undici’s pool and no AWS library', async () => {
  const modules = await loadedModules(async (client) => {
    for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']) {
      const res = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(res.choices[0].message.content);
      const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
      for await (const chunk of stream) void chunk;
    }
  });
  assert.ok(has(modules, '/undici/lib/dispatcher/pool.js'), 'the probe sees undici’s pool (so it works)');
  assert.ok(!has(modules, '/undici/index.js'), 'undici’s root (fetch, WebSocket, …) is not loaded');
  assert.ok(!has(modules, '/undici/lib/web/'), 'no undici web (fetch) modules');
  assert.ok(!has(modules, '/@smithy/'), 'no AWS libraries without a Bedrock request');
  assert.ok(!has(modules, '/@opentelemetry/'), 'no OpenTelemetry without telemetry.exporter otlp or both');
});

test('the first Bedrock request loads the AWS libraries and streams through them', async () => {
  const modules = await loadedModules(async (client) => {
    const model = 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0';
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.ok(text.length > 0);
  });
  assert.ok(has(modules, '/@smithy/signature-v4/'));
  assert.ok(has(modules, '/@smithy/eventstream-codec/'));
});
