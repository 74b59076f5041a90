/**
 * The price book wired as the lead will wire it (`gateway.prices = await createPriceBook(…)`):
 * request records in process carry the cost of what the simulators answered and where the price
 * came from — the table, the config, or nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPriceBook } from '../../../src/observability/cost/index.js';
import type { RequestRecord } from '../../../src/observability/records/request-record.js';
import { addRecordSink } from '../../../src/server/gateway.js';
import { openaiAndAnthropicAt } from '../../helpers/gateway-with-simulator.js';
import { startInProcess, type InProcessGateway } from '../../helpers/in-process.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../../simulators/openai.js';
import { tableSource } from './usage-fixtures.js';

const OPENAI_KEY = 'test-openai-key-pricing-0123456789';
const ANTHROPIC_KEY = 'test-anthropic-key-pricing-0123456789';

describe('priced request records', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;
  const records: RequestRecord[] = [];

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    gw = await startInProcess({
      config: openaiAndAnthropicAt(openai.url, 'pricing:\n  "openai/shared-model": { input: 1, output: 2 }\n', {
        anthropicUrl: anthropic.url,
        openaiModels: ['gpt-4o-mini', 'shared-model'],
        anthropicModels: ['claude-3-5-haiku-latest', 'shared-model'],
      }),
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
    gw.gateway.prices = await createPriceBook(gw.compiled.config.pricing);
    addRecordSink(gw.gateway, { write: (r) => records.push(r) });
  });

  after(async () => {
    await gw?.close();
    await openai?.close();
    await anthropic?.close();
  });

  /** A translated request (Messages to OpenAI, Chat Completions to Anthropic): usage reaches the record on every such route. */
  async function recordOf(router: 'oa' | 'an', model: string): Promise<RequestRecord> {
    const path = router === 'oa' ? 'v1/messages' : 'v1/chat/completions';
    const res = await fetch(`${gw.url}/router/${router}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    for (let i = 0; i < 200 && records.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const record = records.shift();
    assert.ok(record, 'a record was written');
    return record;
  }

  test('OpenAI (a Messages request translated) from the table', async () => {
    const record = await recordOf('oa', 'gpt-4o-mini');
    assert.deepEqual([record.input_tokens, record.output_tokens], [12, 5]);
    // gpt-4o-mini: input 0.15, output 0.60 → 12·0.15 + 5·0.6 = 4.8 per million.
    assert.deepEqual([record.cost_usd, record.price_source], [0.0000048, tableSource()]);
  });

  test('Anthropic, translated from Chat Completions, from the table', async () => {
    const record = await recordOf('an', 'claude-3-5-haiku-latest');
    assert.deepEqual([record.input_tokens, record.output_tokens], [12, 30]);
    // claude-3-5-haiku: input 0.80, output 4 → 12·0.8 + 30·4 = 129.6.
    assert.deepEqual([record.cost_usd, record.price_source], [0.0001296, tableSource()]);
  });

  test('a custom model priced in the config, and the same name unpriced on the provider it is not configured for', async () => {
    const configured = await recordOf('oa', 'shared-model');
    // 12·1 + 5·2 = 22.
    assert.deepEqual([configured.cost_usd, configured.price_source], [0.000022, 'config']);
    const unknown = await recordOf('an', 'shared-model');
    assert.ok((unknown.input_tokens ?? 0) > 0);
    assert.deepEqual([unknown.cost_usd, unknown.price_source], [null, null]);
  });
});
