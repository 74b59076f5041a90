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
    // Refused before the pipeline (its body does not decode): recorded all the same.
    const refused = await next();
    assert.equal(refused.status, 400);
    assert.equal(refused.router, 'oa');
    assert.equal(refused.endpoint, 'chat');
    assert.equal(refused.model_requested, null);
    assert.equal(refused.error_code, 'invalid_value');
    assert.deepEqual(refused.attempts, []);
    // An unknown path and a health check: the first recorded, the second not.
    await (await fetch(`${gw.url}/no-such-route`)).text();
    await (await fetch(`${gw.url}/health`)).text();
    const unknown = await next();
    assert.equal(unknown.status, 404);
    assert.equal(unknown.endpoint, 'other');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(records.length, 0, 'health checks are not recorded');
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

describe('usage on every route', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;
  const records: RequestRecord[] = [];

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    gw = await startInProcess({
      config: openaiAndAnthropicAt(openai.url, '', { anthropicUrl: anthropic.url }),
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

  const chat = (stream: boolean, extra: Record<string, unknown> = {}) =>
    fetch(`${gw.url}/router/oa/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream, ...extra }),
    });

  test('a piped OpenAI stream: the provider is asked for usage, the client not sent it, the record has it', async () => {
    const res = await chat(true);
    const text = await res.text();
    assert.ok(!text.includes('"usage":{'), 'no usage chunk for a client that did not ask');
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const sent = JSON.parse(openai.requests.at(-1)?.body ?? '{}') as { stream_options?: unknown; messages?: unknown };
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'hi' }]);
    const record = await next();
    assert.equal(record.input_tokens, 16);
    assert.equal(record.output_tokens, 300);
    assert.equal(record.incomplete, false);
  });

  test('a client that asked for usage gets its usage chunk as the provider sent it', async () => {
    const text = await (await chat(true, { stream_options: { include_usage: true } })).text();
    assert.ok(text.includes('"usage":{"prompt_tokens":16'));
    assert.equal((await next()).output_tokens, 300);
  });

  test('a piped JSON answer: usage read from its body', async () => {
    const body = (await (await chat(false)).json()) as { usage: { prompt_tokens: number } };
    const record = await next();
    assert.equal(record.input_tokens, body.usage.prompt_tokens);
    assert.equal(record.stream, false);
  });

  test('Messages piped to Anthropic, streamed and not: usage from its events and body', async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/router/an`, apiKey: 'client-key', maxRetries: 0 });
    const streamed = await client.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    let record = await next();
    assert.equal(record.dialect, 'anthropic-messages');
    assert.equal(record.input_tokens, streamed.usage.input_tokens + (streamed.usage.cache_read_input_tokens ?? 0) + (streamed.usage.cache_creation_input_tokens ?? 0));
    assert.equal(record.output_tokens, streamed.usage.output_tokens);
    const whole = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    record = await next();
    assert.equal(record.output_tokens, whole.usage.output_tokens);
  });

  test('passthrough: usage and model from the answer, the credential named', async () => {
    const res = await fetch(`${gw.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const record = await next();
    assert.equal(record.endpoint, 'passthrough');
    assert.equal(record.router, null);
    assert.equal(record.provider, 'openai');
    assert.equal(record.model, 'gpt-4o-mini');
    assert.equal(record.provider_key, `env:OPENAI_API_KEY …${OPENAI_KEY.slice(-4)}`);
    assert.equal(record.input_tokens, body.usage.prompt_tokens);
    assert.equal(record.output_tokens, body.usage.completion_tokens);
  });

  test('a stream cut off mid-way: what was streamed, marked incomplete, input and cost unknown', async () => {
    openai.setNext({ dropAfterChunks: 40 });
    const res = await chat(true);
    await res.text().catch(() => '');
    const record = await next();
    assert.equal(record.incomplete, true);
    assert.equal(record.outcome, 'interrupted');
    assert.equal(record.input_tokens, null);
    assert.ok((record.output_tokens ?? 0) >= 35 && (record.output_tokens ?? 0) <= 41, String(record.output_tokens));
    assert.equal(record.cost_usd, null);
  });
});

describe('bodies in records', () => {
  test('kept only with audit.bodies: true — the request as sent, the answer as the client got it', async () => {
    const openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    const config = (extra: string) => `${openaiAndAnthropicAt(openai.url)}${extra}`;
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'keep me' }] });
    try {
      for (const [extra, kept] of [['audit: { bodies: true }\n', true], ['', false]] as const) {
        const gw = await startInProcess({ config: config(extra), env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY } });
        const records: RequestRecord[] = [];
        addRecordSink(gw.gateway, { write: (r) => records.push(r) });
        try {
          const res = await fetch(`${gw.url}/router/oa/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const answer = await res.text();
          for (let i = 0; i < 200 && records.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
          const [record] = records;
          assert.ok(record);
          if (kept) {
            assert.equal(record.request_body, body);
            assert.equal(record.response_body, answer);
          } else {
            assert.equal('request_body' in record, false);
            assert.equal('response_body' in record, false);
          }
        } finally {
          await gw.close();
        }
      }
    } finally {
      await openai.close();
    }
  });
});

describe('records tell requests and providers apart', () => {
  test('a provider never reached has no status on its attempt; two requests in flight with one client id get two ids', async () => {
    const openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    // A port nothing listens on: the connection is refused.
    const closed = await startOpenAISimulator();
    const deadUrl = closed.url;
    await closed.close();
    const gw = await startInProcess({
      config: `providers:\n  openai: { base-url: "${deadUrl}", models: [gpt-4o-mini] }\n  backup: { base-url: "${openai.url}", models: [gpt-4o-mini] }\n`,
      env: { OPENAI_API_KEY: OPENAI_KEY, BACKUP_API_KEY: OPENAI_KEY },
    });
    const records: RequestRecord[] = [];
    addRecordSink(gw.gateway, { write: (r) => records.push(r) });
    try {
      const ask = () =>
        fetch(`${gw.url}/ai/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'client-chosen-id' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
        });
      const first = await ask();
      await first.text();
      for (let i = 0; i < 200 && records.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      const [record] = records.splice(0);
      assert.deepEqual(record.attempts.map((a) => [a.provider, a.status]), [['openai', null], ['backup', 200]]);
      assert.equal(record.attempts[0].error_code, 'upstream_unreachable');

      openai.setNext({ delayMs: 150 });
      openai.setNext({ delayMs: 150 });
      const both = await Promise.all([ask(), ask()]);
      const ids = both.map((r) => r.headers.get('x-request-id'));
      await Promise.all(both.map((r) => r.text()));
      assert.deepEqual(ids.sort(), ['client-chosen-id', 'client-chosen-id.2']);
      for (let i = 0; i < 200 && records.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(records.map((r) => r.request_id).sort(), ['client-chosen-id', 'client-chosen-id.2']);
      assert.ok(records.every((r) => r.status === 200 && r.attempts.at(-1)?.ok));
    } finally {
      await gw.close();
      await openai.close();
    }
  });
});
