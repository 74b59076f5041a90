/**
 * Helicone's routing semantics end to end (in process, seeded randomness, the OpenAI SDK against
 * the OpenAI and Anthropic simulators): `provider/model` sent to a router is the source model —
 * the strategy still chooses the provider and the model is mapped to the chosen provider's
 * equivalent (Helicone's weighted_balance tests); `/ai` keeps pinning.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';

const N = 200;

describe('provider/model on a router is the source model, not a pin', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: 'sk-openai-test-key' });
    anthropic = await startAnthropicSimulator({ apiKey: 'sk-ant-test-key' });
    // Helicone's weighted_balance.rs `weighted_balancer_anthropic_preferred` and `model_weighted`.
    gw = await startInProcess({
      seed: 1234,
      env: { OPENAI_API_KEY: 'sk-openai-test-key', ANTHROPIC_API_KEY: 'sk-ant-test-key' },
      config: `
providers:
  openai: { base-url: "${openai.url}" }
  anthropic: { base-url: "${anthropic.url}" }
routers:
  my-router:
    load-balance:
      chat:
        strategy: provider-weighted
        providers:
          - provider: openai
            weight: 0.25
          - provider: anthropic
            weight: 0.75
  by-model:
    load-balance:
      chat:
        strategy: model-weighted
        models:
          - model: openai/gpt-4o-mini
            weight: 0.25
          - model: anthropic/claude-3-haiku-20240307
            weight: 0.75
`,
    });
  });
  after(async () => {
    await gw.close();
    await openai.close();
    await anthropic.close();
  });

  async function send(baseURL: string, model: string, count: number): Promise<string[]> {
    const client = new OpenAI({ baseURL, apiKey: 'client-key', maxRetries: 0 });
    const providers: string[] = [];
    for (let i = 0; i < count; i++) {
      const { response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello, world!' }] }).withResponse();
      providers.push(response.headers.get('x-ai-gateway-provider') ?? '?');
    }
    return providers;
  }

  function share(list: string[], name: string): number {
    return list.filter((p) => p === name).length / list.length;
  }

  test('a 0.25/0.75 weighted router sends ~75% of openai/gpt-4o-mini to Anthropic, mapped', async () => {
    const before = { openai: openai.requests.length, anthropic: anthropic.requests.length };
    const providers = await send(`${gw.url}/router/my-router`, 'openai/gpt-4o-mini', N);
    const anthropicShare = share(providers, 'anthropic');
    // Helicone's tolerance is ±15 points on 100 requests; seeded, this run is deterministic.
    assert.ok(Math.abs(anthropicShare - 0.75) <= 0.08, `anthropic got ${anthropicShare}`);
    const atAnthropic = anthropic.requests.slice(before.anthropic);
    const atOpenAI = openai.requests.slice(before.openai);
    assert.equal(atAnthropic.length + atOpenAI.length, N);
    // Each provider got its own model: the mapping's Anthropic equivalent, OpenAI's unchanged.
    assert.deepEqual(new Set(atAnthropic.map((r) => (r.body as { model: string }).model)), new Set(['claude-haiku-4-5']));
    assert.deepEqual(new Set(atOpenAI.map((r) => (JSON.parse(r.body) as { model: string }).model)), new Set(['gpt-4o-mini']));
  });

  test('model-weighted follows its weights, whatever model the request names', async () => {
    const providers = await send(`${gw.url}/router/by-model`, 'openai/gpt-4o-mini', N);
    const anthropicShare = share(providers, 'anthropic');
    assert.ok(Math.abs(anthropicShare - 0.75) <= 0.08, `anthropic got ${anthropicShare}`);
  });

  test('/ai keeps pinning: openai/gpt-4o-mini always goes to OpenAI', async () => {
    const providers = await send(`${gw.url}/ai`, 'openai/gpt-4o-mini', 20);
    assert.deepEqual(new Set(providers), new Set(['openai']));
  });
});
