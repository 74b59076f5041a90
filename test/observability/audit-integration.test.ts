/**
 * The audit log behind the gateway, in process: simulator traffic through the real pipeline,
 * the recorder and the audit sink ends up as rows with the route, provider, credential
 * fingerprint, tokens and every attempt — and no secret anywhere in the database files.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { openAuditLog, type AuditLog } from '../../src/observability/audit/index.js';
import { openAuditReader } from '../../src/observability/audit/reader.js';
import type { RequestRecord } from '../../src/observability/records/request-record.js';
import { addRecordSink } from '../../src/server/gateway.js';
import { quietLogger, tempDataDir } from '../helpers/audit-records.js';
import { openaiAndAnthropicAt } from '../helpers/gateway-with-simulator.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-audit-0123456789abcdef';
const ANTHROPIC_KEY = 'test-anthropic-key-audit-0123456789abcdef';

describe('audit log behind the gateway', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: InProcessGateway;
  let audit: AuditLog;
  let dir: string;

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    gw = await startInProcess({
      config: openaiAndAnthropicAt(openai.url, '', { anthropicUrl: anthropic.url, openaiModels: ['gpt-4o-mini', 'shared-model'], anthropicModels: ['claude-3-5-haiku-latest', 'shared-model'] }),
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
    dir = await tempDataDir();
    audit = await openAuditLog({ path: dir, retentionMs: 30 * 86_400_000, bodies: false }, quietLogger().logger);
    addRecordSink(gw.gateway, audit);
  });

  after(async () => {
    await gw?.close();
    await audit?.close();
    await openai?.close();
    await anthropic?.close();
  });

  /** The stored record of the request whose response carried `requestId`. */
  async function stored(requestId: string): Promise<RequestRecord> {
    for (let i = 0; i < 100; i++) {
      await audit.flush();
      const reader = await openAuditReader(dir);
      const found = reader.records({}, 100).find((s) => s.record.request_id === requestId);
      reader.close();
      if (found) return found.record;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no stored record for ${requestId}`);
  }

  test('a translated Messages stream: router, provider, credential fingerprint and tokens', async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0 });
    const { response } = await client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const requestId = response.headers.get('x-request-id') ?? '';
    await client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'again' }] }).finalMessage();
    const record = await stored(requestId);
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
    assert.ok(Math.abs(Date.parse(record.time) - Date.now()) < 60_000);
    assert.equal(record.attempts.length, 1);
    assert.deepEqual([record.attempts[0].provider, record.attempts[0].ok, record.attempts[0].status], ['openai', true, 200]);
    assert.equal(record.request_body, undefined, 'no body without audit.bodies');
  });

  test('a fallback: both attempts, the failed one with its status and code', async () => {
    const [first, second] = [...gw.compiled.providers.keys()].filter((n) => n === 'openai' || n === 'anthropic');
    if (first === 'anthropic') anthropic.setNext({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' });
    else openai.setNext({ status: 503 });
    const client = new OpenAI({ baseURL: `${gw.url}/ai/v1`, apiKey: 'client-key', maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'shared-model', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const record = await stored(response.headers.get('x-request-id') ?? '');
    assert.equal(record.router, '/ai');
    assert.equal(record.provider, second);
    assert.deepEqual(record.attempts.map((a) => [a.attempt, a.provider, a.ok]), [[1, first, false], [2, second, true]]);
    assert.ok((record.attempts[0].status ?? 0) >= 500);
    assert.ok(record.attempts[0].error_code);
    assert.match(record.attempts[1].provider_key, /^env:(OPENAI|ANTHROPIC)_API_KEY …[a-z0-9]{4}$/);
  });

  test('an error the client got is stored with its status and code; no secret is in the files', async () => {
    openai.setNext({ status: 429, headers: { 'retry-after': '7' } });
    const res = await fetch(`${gw.url}/router/oa/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-chosen-id-429' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 429);
    await res.text();
    const record = await stored('client-chosen-id-429');
    assert.equal(record.status, 429);
    assert.equal(record.outcome, 'error');
    assert.ok(record.error_code);
    assert.equal(record.input_tokens, null);
    assert.equal(record.cost_usd, null);
    await audit.flush();
    for (const file of await readdir(dir)) {
      const bytes = await readFile(join(dir, file));
      for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, 'client-key']) assert.equal(bytes.indexOf(secret), -1, `${file} holds ${secret}`);
    }
    assert.deepEqual(audit.stats().dropped + audit.stats().failed, 0);
  });
});
