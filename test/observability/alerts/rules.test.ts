/**
 * The rules' arithmetic, with records written straight to the sink and an injected fetch and
 * clock: UTC calendar periods (weeks from Monday), which credentials a `provider-key` names,
 * what an error is (5xx and interrupted, not 4xx or a client that left; for a provider scope,
 * its attempts), that an error-rate incident re-arms once the rate is back under, and an
 * unpriced request adds no spend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAlerts, type AlertsConfig } from '../../../src/observability/alerts/index.js';
import { periodAt } from '../../../src/observability/alerts/periods.js';
import { matchesProviderKey } from '../../../src/observability/alerts/scope.js';
import type { SlackBody } from '../../../src/observability/alerts/message.js';
import type { AttemptRecord, RequestRecord } from '../../../src/observability/records/request-record.js';
import { startInProcess, type InProcessGateway } from '../../helpers/in-process.js';

const iso = (ms: number): string => new Date(ms).toISOString();

test('calendar periods are UTC: hours, days, weeks from Monday, months', () => {
  const wed = Date.UTC(2025, 5, 4, 13, 45, 10);
  assert.deepEqual(Object.values(periodAt('hour', wed)).map(iso), ['2025-06-04T13:00:00.000Z', '2025-06-04T14:00:00.000Z']);
  assert.deepEqual(Object.values(periodAt('day', wed)).map(iso), ['2025-06-04T00:00:00.000Z', '2025-06-05T00:00:00.000Z']);
  assert.deepEqual(Object.values(periodAt('week', wed)).map(iso), ['2025-06-02T00:00:00.000Z', '2025-06-09T00:00:00.000Z']);
  const sunday = Date.UTC(2025, 5, 8, 23, 59, 59);
  assert.equal(iso(periodAt('week', sunday).start), '2025-06-02T00:00:00.000Z', 'a Sunday ends the week that began on Monday');
  assert.deepEqual(Object.values(periodAt('month', Date.UTC(2025, 11, 31, 23))).map(iso), ['2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
  assert.deepEqual(Object.values(periodAt('month', Date.UTC(2024, 1, 29, 12))).map(iso), ['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
});

test('a provider-key names a credential by source and fingerprint, by source, or by fingerprint', () => {
  const key = 'env:OPENAI_API_KEY …cdef';
  for (const wanted of [key, 'env:OPENAI_API_KEY', '…cdef', 'cdef']) assert.equal(matchesProviderKey(wanted, key), true, wanted);
  for (const wanted of ['env:OPENAI_API_KEY2', '…abcd', 'OPENAI_API_KEY', 'env:OPENAI_API_KEY …']) assert.equal(matchesProviderKey(wanted, key), false, wanted);
  assert.equal(matchesProviderKey('gcloud-adc', 'gcloud-adc'), true, 'a credential without a fingerprint, by its source');
  assert.equal(matchesProviderKey('cdef', null), false);
});

describe('rules over records', () => {
  let gw: InProcessGateway;
  let now = Date.UTC(2025, 5, 2, 10, 0, 0);
  const sent: SlackBody[] = [];
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    sent.push(JSON.parse(String(init?.body)) as SlackBody);
    return new Response('ok');
  };

  before(async () => {
    gw = await startInProcess({
      config: `
providers:
  openai: { base-url: "http://127.0.0.1:9/", models: [gpt-4o-mini] }
  anthropic: { base-url: "http://127.0.0.1:9/" }
routers:
  oa: { load-balance: { chat: { strategy: latency, providers: [openai] } } }
`,
      env: { OPENAI_API_KEY: 'test-openai-key-0123456789abcdef', ANTHROPIC_API_KEY: 'test-anthropic-key-0123456789abcdef' },
    });
  });

  after(async () => {
    await gw?.close();
  });

  const attempt = (provider: string, status: number | null, ok: boolean): AttemptRecord => ({
    attempt: 1,
    provider,
    provider_key: `env:${provider.toUpperCase()}_API_KEY …cdef`,
    model: 'm',
    status,
    ok,
    error_code: ok ? null : 'upstream_error',
    error: null,
    upstream_ms: 5,
  });
  const record = (fields: Partial<RequestRecord>): RequestRecord => ({
    time: iso(now),
    request_id: 'r',
    gateway_key: null,
    router: 'oa',
    endpoint: 'chat',
    dialect: 'openai-chat',
    stream: false,
    model_requested: 'm',
    provider: 'openai',
    model: 'm',
    provider_key: 'env:OPENAI_API_KEY …cdef',
    status: 200,
    outcome: 'ok',
    error_code: null,
    input_tokens: 1,
    output_tokens: 1,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    incomplete: false,
    cost_usd: null,
    price_source: null,
    latency_ms: 10,
    first_byte_ms: 5,
    overhead_ms: 1,
    attempts: [attempt('openai', 200, true)],
    cache: null,
    ...fields,
  });
  const alertsWith = (rules: AlertsConfig['rules'], cooldown = 60_000) =>
    createAlerts({ webhooks: { ops: 'https://hooks.example/x' }, cooldown, rules }, gw.gateway, gw.gateway.logger, { clock: () => now, fetch });
  const fieldsOf = (body: SlackBody): Record<string, string> => Object.fromEntries(body.attachments[0].fields.map((f) => [f.title, f.value]));

  test('requests: 5xx and interrupted answers are errors; 4xx, 429 and clients that left are not', async () => {
    sent.length = 0;
    const alerts = alertsWith([{ name: 'gateway-errors', 'error-rate': { over: 0.4, window: 60_000, 'min-requests': 5 }, notify: ['ops'] }]);
    for (const fields of [{ status: 400, outcome: 'error' }, { status: 429, outcome: 'error' }, { status: 200 }, { status: 499, outcome: 'client_gone' }, { status: 499, outcome: 'client_gone' }] as const) {
      alerts.sink.write(record(fields));
    }
    alerts.sink.write(record({ status: 502, outcome: 'error' }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 0, '1 error of 4 counted requests: under min-requests');
    alerts.sink.write(record({ status: 200, outcome: 'interrupted' }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 0, '2 of 5: 40% is not over 40%');
    alerts.sink.write(record({ status: 503, outcome: 'error' }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 1, '3 of 6');
    assert.equal(fieldsOf(sent[0]).requests, '6');
    assert.equal(fieldsOf(sent[0]).errors, '3');
    await alerts.close();
  });

  test('a provider scope counts its attempts: unreachable, 5xx, 408 and a broken-off answer are errors', async () => {
    sent.length = 0;
    const alerts = alertsWith([{ name: 'anthropic-errors', 'error-rate': { over: 0.5, window: 60_000, 'min-requests': 5, provider: 'anthropic' }, notify: ['ops'] }]);
    const fallback = (status: number | null): RequestRecord => record({ attempts: [attempt('anthropic', status, false), { ...attempt('openai', 200, true), attempt: 2 }] });
    alerts.sink.write(fallback(null));
    alerts.sink.write(fallback(529));
    alerts.sink.write(fallback(400));
    alerts.sink.write(fallback(408));
    alerts.sink.write(record({ attempts: [attempt('openai', 200, true)] }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 0, '4 anthropic attempts: under min-requests; openai-only requests do not count');
    alerts.sink.write(record({ provider: 'anthropic', outcome: 'interrupted', attempts: [attempt('anthropic', 200, true)] }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 1, '4 errors of 5 attempts (the 400 is not one)');
    assert.equal(fieldsOf(sent[0]).attempts, '5');
    assert.equal(fieldsOf(sent[0]).errors, '4');
    await alerts.close();
  });

  test('an error-rate incident re-arms once the rate is back under, and the cooldown spaces the next message', async () => {
    sent.length = 0;
    const alerts = alertsWith([{ name: 'errors', 'error-rate': { over: 0.5, window: 600_000, 'min-requests': 2 }, notify: ['ops'] }], 60_000);
    const failure = (): void => alerts.sink.write(record({ status: 500, outcome: 'error' }));
    const success = (): void => alerts.sink.write(record({}));
    failure();
    failure();
    failure();
    await alerts.sink.flush?.();
    assert.equal(sent.length, 1, 'one incident, one message');
    for (let i = 0; i < 3; i++) success();
    failure(); // 4 of 7: over again, a new incident — but within the cooldown
    await alerts.sink.flush?.();
    assert.equal(sent.length, 1);
    now += 61_000;
    failure(); // 5 of 8, past the cooldown
    await alerts.sink.flush?.();
    assert.equal(sent.length, 2);
    assert.equal(fieldsOf(sent[1]).errors, '5');
    await alerts.close();
  });

  test('spend counts priced requests only, in the scope; a new period starts from zero', async () => {
    sent.length = 0;
    now = Date.UTC(2025, 5, 8, 23, 0, 0);
    const alerts = alertsWith([{ name: 'weekly', spend: { over: 10, per: 'week', router: 'oa' }, notify: ['ops'] }], 0);
    alerts.sink.write(record({ cost_usd: 6 }));
    alerts.sink.write(record({ cost_usd: null }));
    alerts.sink.write(record({ cost_usd: 100, router: '/ai' }));
    alerts.sink.write(record({ cost_usd: 4 }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 0, '10 USD is not over 10');
    now = Date.UTC(2025, 5, 9, 0, 0, 1); // Monday: a new week
    alerts.sink.write(record({ cost_usd: 9 }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 0, 'the new week starts from zero');
    alerts.sink.write(record({ cost_usd: 2 }));
    alerts.sink.write(record({ cost_usd: 2 }));
    await alerts.sink.flush?.();
    assert.equal(sent.length, 1, 'once per period even without a cooldown');
    assert.equal(fieldsOf(sent[0]).window, '2025-06-09T00:00:00Z/2025-06-16T00:00:00Z');
    assert.equal(sent[0].text, '[ai-gateway] weekly: spend 11.00 USD is over 10.00 USD this week (from 2025-06-09 UTC) for router=oa, at 2025-06-09T00:00:01Z');
    await alerts.close();
  });

  test('the message escapes what Slack reads as markup', async () => {
    sent.length = 0;
    const alerts = alertsWith([{ name: 'a<b>&c', 'provider-ejected': { provider: 'any' }, notify: ['ops'] }]);
    gw.gateway.bus.emit({ type: 'health', provider: 'openai', state: 'ejected', at: 0 });
    gw.gateway.bus.emit({ type: 'health', provider: 'anthropic', state: 'recovered', at: 0 });
    await alerts.sink.flush?.();
    assert.equal(sent.length, 1, 'only ejections');
    assert.match(sent[0].text, /^\[ai-gateway\] a&lt;b&gt;&amp;c: provider openai was ejected/);
    assert.equal(fieldsOf(sent[0]).rule, 'a&lt;b&gt;&amp;c');
    assert.ok(!sent[0].text.includes('\n'), 'one line');
    await alerts.close();
  });
});
