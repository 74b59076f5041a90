/**
 * Request records, in process against src: one per request once its response is over, with the
 * route, dialect, provider and credential (source and fingerprint, never the secret), tokens,
 * every attempt, and the status and error code the client got.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { RequestRecord } from '../../src/observability/records/request-record.js';
import { addRecordSink } from '../../src/server/gateway.js';
import { openaiAndAnthropicAt } from '../helpers/gateway-with-simulator.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-recorder-0123456789';
const ANTHROPIC_KEY = 'test-anthropic-key-recorder-0123456789';

describe('request records', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;
  const records: RequestRecord[] = [];

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    gw = await startInProcess({
      config: openaiAndAnthropicAt(openai.url, '', { anthropicUrl: anthropic.url, openaiModels: ['gpt-4o-mini', 'shared-model'], anthropicModels: ['claude-3-5-haiku-latest', 'shared-model'] }),
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
    addRecordSink(gw.gateway, { write: (r) => records.push(r) });
  });

  after(async () => {
    await gw?.close();
    await openai?.close();
    await anthropic?.close();
  });

  async function next(): Promise<RequestRecord> {
    for (let i = 0; i < 200 && records.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const record = records.shift();
    assert.ok(record, 'a record was written');
    return record;
  }

  test('a translated Messages stream: who served, with which key, the tokens and the timings', async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0 });
    await client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    const record = await next();
    assert.equal(record.router, 'oa');
    assert.equal(record.endpoint, 'messages');
    assert.equal(record.dialect, 'anthropic-messages');
    assert.equal(record.stream, true);
    assert.equal(record.provider, 'openai');
    assert.equal(record.model, 'gpt-4o-mini');
    assert.equal(record.provider_key, `env:OPENAI_API_KEY …${OPENAI_KEY.slice(-4)}`);
    assert.equal(record.status, 200);
    assert.equal(record.outcome, 'ok');
    assert.ok((record.input_tokens ?? 0) > 0 && (record.output_tokens ?? 0) > 0, JSON.stringify(record));
    assert.ok(record.first_byte_ms !== null && record.first_byte_ms <= record.latency_ms);
    assert.ok(record.overhead_ms !== null && record.overhead_ms >= 0);
    assert.equal(record.attempts.length, 1);
    assert.equal(record.attempts[0].ok, true);
    assert.ok(!JSON.stringify(record).includes(OPENAI_KEY));
    assert.ok(Date.parse(record.time) <= Date.now());
  });

  test('a fallback: both attempts, the failed one with its status and code', async () => {
    const [first, second] = [...gw.compiled.providers.keys()].filter((n) => n === 'openai' || n === 'anthropic');
    if (first === 'anthropic') anthropic.setNext({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' });
    else openai.setNext({ status: 503 });
    const client = new OpenAI({ baseURL: `${gw.url}/ai/v1`, apiKey: 'client-key', maxRetries: 0 });
    await client.chat.completions.create({ model: 'shared-model', messages: [{ role: 'user', content: 'hi' }] });
    const record = await next();
    assert.equal(record.router, '/ai');
    assert.equal(record.provider, second);
    assert.deepEqual(record.attempts.map((a) => [a.provider, a.ok]), [[first, false], [second, true]]);
    assert.ok((record.attempts[0].status ?? 0) >= 500);
    assert.ok(record.attempts[0].error_code);
  });

  test('an error the client got: its status and code', async () => {
    const res = await fetch(`${gw.url}/router/oa/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'hi' }] }),
    });
    assert.equal(res.status, 400);
    await res.text();
    // A request refused before the pipeline (decode) has no record: it never reached a route.
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(records.length, 0);
    openai.setNext({ status: 429, headers: { 'retry-after': '7' } });
    const limited = await fetch(`${gw.url}/router/oa/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(limited.status, 429);
    await limited.text();
    const record = await next();
    assert.equal(record.status, 429);
    assert.equal(record.outcome, 'error');
    assert.ok(record.error_code);
    assert.equal(record.input_tokens, null);
  });
});
