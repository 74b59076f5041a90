/**
 * Alerts over real traffic, in process against src: the official pipeline writes records to
 * `alerts.sink` (priced by a stub PriceBook) and health events to the bus; a local receiver
 * stands in for Slack. An injected wall clock moves the spend rules across periods and the
 * cooldown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAlerts, type Alerts } from '../../../src/observability/alerts/index.js';
import { addRecordSink } from '../../../src/server/gateway.js';
import { startInProcess, type InProcessGateway } from '../../helpers/in-process.js';
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { startOpenAISimulator, type OpenAISimulator } from '../../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-alerts-0123456789abcdef';
const FLAKY_KEY = 'test-flaky-key-alerts-0123456789abcdef';
const STEADY_KEY = 'test-steady-key-alerts-0123456789abcdef';
const SECRET = 'test-webhook-secret-0123456789abcdef';
const HOOK_PATH = `/services/T0000/B0000/${SECRET}`;

interface Harness {
  gw: InProcessGateway;
  alerts: Alerts;
  /**
   * Sends one request through `router`, waits for its record to reach the sinks and for
   * deliveries to finish. Spend needs usage: Messages to an OpenAI provider are translated and
   * always carry it (piped OpenAI chat gets usage only once the gateway asks for it).
   */
  call(router: string, api?: 'chat' | 'messages'): Promise<number>;
  close(): Promise<void>;
}

async function start(config: string, env: Record<string, string>, clock: () => number): Promise<Harness> {
  const gw = await startInProcess({ config, env });
  gw.gateway.prices = { price: () => ({ cost_usd: 0.4, price_source: 'test' }) };
  const section = gw.compiled.config.alerts;
  assert.ok(section);
  const alerts = createAlerts(section, gw.gateway, gw.gateway.logger, { clock, delivery: { backoffMs: 20, timeoutMs: 2_000 } });
  addRecordSink(gw.gateway, alerts.sink);
  // Added after the alerts' sink: when it has seen a record, so have the alerts.
  let seen = 0;
  addRecordSink(gw.gateway, { write: () => void seen++ });
  let sent = 0;
  return {
    gw,
    alerts,
    async call(router, api = 'chat') {
      const messages = [{ role: 'user', content: 'hi' }];
      const res = await fetch(`${gw.url}/router/${router}/v1/${api === 'chat' ? 'chat/completions' : 'messages'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(api === 'chat' ? { model: 'gpt-4o-mini', messages } : { model: 'gpt-4o-mini', max_tokens: 20, messages }),
      });
      await res.text();
      sent++;
      for (let i = 0; i < 300 && seen < sent; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(seen, sent, 'the record reached the sinks');
      await alerts.sink.flush?.();
      return res.status;
    },
    async close() {
      await alerts.close();
      await gw.close();
    },
  };
}

const fieldsOf = (message: ReceivedHook): Record<string, string> => Object.fromEntries(message.body.attachments[0].fields.map((f) => [f.title, f.value]));
const ruleOf = (message: ReceivedHook): string => fieldsOf(message).rule;
const noSecretIn = (gw: InProcessGateway): void => {
  assert.ok(!gw.logs().includes(SECRET), 'the webhook URL secret is never logged');
  assert.ok(!gw.logs().includes('/services/'), 'nor its path');
};

describe('spend rules', () => {
  let openai: OpenAISimulator;
  let hook: WebhookReceiver;
  let h: Harness;
  let now = Date.UTC(2025, 5, 2, 10, 0, 0);

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    hook = await startWebhookReceiver();
    h = await start(
      `
providers:
  openai: { base-url: "${openai.url}", models: [gpt-4o-mini] }
routers:
  oa: { load-balance: { chat: { strategy: latency, providers: [openai] } } }
alerts:
  webhooks: { ops: "${hook.url(HOOK_PATH)}" }
  cooldown: 90m
  rules:
    - { name: openai-spend, spend: { over: 1, per: hour, provider: openai }, notify: [ops] }
    - { name: key-spend, spend: { over: 1, per: hour, provider-key: "…${OPENAI_KEY.slice(-4)}" }, notify: [ops] }
    - { name: other-key-spend, spend: { over: 1, per: hour, provider-key: "env:OTHER_API_KEY" }, notify: [ops] }
    - { name: other-router-spend, spend: { over: 1, per: hour, router: oa, gateway-key: team-a }, notify: [ops] }
`,
      { OPENAI_API_KEY: OPENAI_KEY },
      () => now,
    );
  });

  after(async () => {
    await h?.close();
    await openai?.close();
    await hook?.close();
  });

  test('crossing the threshold fires once per period and scope; the cooldown holds the next period back until it passes', async () => {
    assert.equal(await h.call('oa', 'messages'), 200);
    assert.equal(await h.call('oa', 'messages'), 200);
    assert.equal(hook.received.length, 0, '0.80 USD is not over 1');
    await h.call('oa', 'messages');
    const first = await hook.waitFor(2);
    assert.deepEqual(first.map(ruleOf).sort(), ['key-spend', 'openai-spend'], 'by provider and by the key fingerprint; not another key, not another gateway key');
    const message = first.find((m) => ruleOf(m) === 'openai-spend')!;
    assert.equal(message.path, HOOK_PATH);
    assert.equal(message.contentType, 'application/json');
    assert.equal(message.body.text, '[ai-gateway] openai-spend: spend 1.20 USD is over 1.00 USD this hour (2025-06-02 10:00 UTC) for provider=openai, at 2025-06-02T10:00:00Z');
    assert.deepEqual(fieldsOf(message), {
      rule: 'openai-spend',
      condition: 'spend over 1.00 USD per hour',
      value: '1.2',
      threshold: '1',
      scope: 'provider=openai',
      window: '2025-06-02T10:00:00Z/2025-06-02T11:00:00Z',
      time: '2025-06-02T10:00:00Z',
      requests: '3',
    });
    assert.equal(fieldsOf(first.find((m) => ruleOf(m) === 'key-spend')!).scope, `provider-key=…${OPENAI_KEY.slice(-4)}`);

    await h.call('oa', 'messages');
    assert.equal(hook.received.length, 2, 'once per period');

    // The next hour goes over 65 minutes after the first firing: inside the 90m cooldown.
    now = Date.UTC(2025, 5, 2, 11, 5, 0);
    for (let i = 0; i < 3; i++) await h.call('oa', 'messages');
    assert.equal(hook.received.length, 2, 'held back by the cooldown');

    // Past the cooldown, the same period's next request fires it.
    now = Date.UTC(2025, 5, 2, 11, 40, 0);
    await h.call('oa', 'messages');
    const second = (await hook.waitFor(4)).slice(2);
    assert.deepEqual(second.map(ruleOf).sort(), ['key-spend', 'openai-spend']);
    const again = fieldsOf(second.find((m) => ruleOf(m) === 'openai-spend')!);
    assert.equal(again.value, '1.6');
    assert.equal(again.window, '2025-06-02T11:00:00Z/2025-06-02T12:00:00Z');

    await h.gw.waitForLine(() => h.gw.lines().filter((l) => l.event === 'alert_delivered').length === 4);
    const fired = h.gw.lines().filter((l) => l.event === 'alert_fired');
    assert.deepEqual(fired.map((l) => l.rule).sort(), ['key-spend', 'key-spend', 'openai-spend', 'openai-spend']);
    const delivered = h.gw.lines().filter((l) => l.event === 'alert_delivered');
    assert.equal(delivered.length, 4);
    for (const line of delivered) {
      assert.equal(line.webhook, 'ops');
      assert.equal(line.host, `127.0.0.1:${new URL(hook.url('/')).port}`);
      assert.equal(line.attempts, 1);
    }
    noSecretIn(h.gw);
  });
});

describe('error-rate rules', () => {
  let openai: OpenAISimulator;
  let flaky: OpenAISimulator;
  let hook: WebhookReceiver;
  let h: Harness;
  const now = Date.UTC(2025, 5, 2, 10, 0, 0);

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    flaky = await startOpenAISimulator({ apiKey: FLAKY_KEY });
    hook = await startWebhookReceiver();
    h = await start(
      `
discover:
  monitor:
    health:
      grace-period:
        min-requests: 1000
providers:
  openai: { base-url: "${openai.url}", models: [gpt-4o-mini] }
  flaky: { base-url: "${flaky.url}v1", models: [gpt-4o-mini] }
routers:
  solo: { load-balance: { chat: { strategy: latency, providers: [openai] } } }
  rescued:
    load-balance:
      chat:
        strategy: weighted
        providers: [{ provider: flaky, weight: 1 }, { provider: openai, weight: 0.000001 }]
alerts:
  webhooks: { ops: "${hook.url(HOOK_PATH)}" }
  rules:
    - { name: solo-errors, error-rate: { over: 0.5, window: 5m, min-requests: 4, router: solo }, notify: [ops] }
    - { name: flaky-errors, error-rate: { over: 0.5, window: 5m, min-requests: 2, provider: flaky }, notify: [ops] }
    - { name: rescued-errors, error-rate: { over: 0.1, window: 5m, min-requests: 1, router: rescued }, notify: [ops] }
`,
      { OPENAI_API_KEY: OPENAI_KEY, FLAKY_API_KEY: FLAKY_KEY },
      () => now,
    );
  });

  after(async () => {
    await h?.close();
    await openai?.close();
    await flaky?.close();
    await hook?.close();
  });

  test('requests: no alert under min-requests; over the rate with enough requests, one message per incident', async () => {
    openai.setAlways({ status: 500 });
    for (let i = 0; i < 3; i++) assert.ok((await h.call('solo')) >= 500);
    assert.equal(hook.received.length, 0, '3 errors of 3 requests, but min-requests is 4');
    openai.setAlways(undefined);
    assert.equal(await h.call('solo'), 200);
    const [message] = await hook.waitFor(1);
    assert.equal(message.body.text, '[ai-gateway] solo-errors: error rate 75% (3 of 4 requests) is over 50% in the last 5m for router=solo, at 2025-06-02T10:00:00Z');
    const fields = fieldsOf(message);
    assert.equal(fields.value, '0.75');
    assert.equal(fields.threshold, '0.5');
    assert.equal(fields.errors, '3');
    assert.equal(fields.requests, '4');
    assert.equal(fields.window, '2025-06-02T09:55:00Z/2025-06-02T10:00:00Z');
    openai.setAlways({ status: 500 });
    assert.ok((await h.call('solo')) >= 500);
    openai.setAlways(undefined);
    assert.equal(hook.received.length, 1, 'still the same incident: no second message');
  });

  test('a provider scope counts attempts: a provider failing behind a working fallback alerts, the router does not', async () => {
    const before = hook.received.length;
    flaky.setAlways({ status: 503 });
    assert.equal(await h.call('rescued'), 200);
    assert.equal(hook.received.length, before, 'one failed attempt, min-requests is 2');
    assert.equal(await h.call('rescued'), 200);
    flaky.setAlways(undefined);
    const messages = (await hook.waitFor(before + 1)).slice(before);
    assert.deepEqual(messages.map(ruleOf), ['flaky-errors'], 'every request was answered: the router rule stays quiet');
    assert.match(messages[0].body.text, /^\[ai-gateway\] flaky-errors: error rate 100% \(\d+ of \d+ attempts\) is over 50% in the last 5m for provider=flaky/);
    noSecretIn(h.gw);
  });
});

describe('provider-ejected rules', () => {
  let flaky: OpenAISimulator;
  let steady: OpenAISimulator;
  let hook: WebhookReceiver;
  let h: Harness;

  before(async () => {
    flaky = await startOpenAISimulator({ apiKey: FLAKY_KEY });
    steady = await startOpenAISimulator({ apiKey: STEADY_KEY });
    hook = await startWebhookReceiver();
    h = await start(
      `
discover:
  monitor:
    health:
      ratio: 0.1
      interval: 100ms
      grace-period:
        min-requests: 1
providers:
  flaky: { base-url: "${flaky.url}v1", models: [gpt-4o-mini] }
  steady: { base-url: "${steady.url}v1", models: [gpt-4o-mini] }
routers:
  flaky: { load-balance: { chat: { strategy: latency, providers: [flaky] } } }
  steady: { load-balance: { chat: { strategy: latency, providers: [steady] } } }
alerts:
  webhooks: { ops: "${hook.url(HOOK_PATH)}" }
  rules:
    - { name: ejected, provider-ejected: { provider: any }, notify: [ops] }
    - { name: steady-ejected, provider-ejected: { provider: steady }, notify: [ops] }
`,
      { FLAKY_API_KEY: FLAKY_KEY, STEADY_API_KEY: STEADY_KEY },
      Date.now,
    );
  });

  after(async () => {
    await h?.close();
    await flaky?.close();
    await steady?.close();
    await hook?.close();
  });

  test('an ejection is one message per rule and provider; ejected again within the cooldown, none', async () => {
    flaky.setAlways({ status: 500 });
    assert.ok((await h.call('flaky')) >= 500);
    const [message] = await hook.waitFor(1);
    assert.equal(ruleOf(message), 'ejected');
    assert.match(message.body.text, /^\[ai-gateway\] ejected: provider flaky was ejected \(taken out of rotation after errors; trial requests will re-admit it\), at \d{4}-\d\d-\d\dT/);
    assert.equal(fieldsOf(message).provider, 'flaky');
    assert.equal(fieldsOf(message).scope, 'provider=flaky');

    // Re-admitted by a good trial, then ejected again: the bus says so, the cooldown keeps it quiet.
    await new Promise((r) => setTimeout(r, 250));
    flaky.setAlways(undefined);
    assert.equal(await h.call('flaky'), 200);
    await h.gw.waitForLine((l) => l.event === 'provider_readmitted' && l.provider === 'flaky');
    flaky.setAlways({ status: 500 });
    assert.ok((await h.call('flaky')) >= 500);
    await h.gw.waitForLine(() => h.gw.lines().filter((l) => l.event === 'provider_ejected' && l.provider === 'flaky').length === 2);
    await h.alerts.sink.flush?.();
    assert.equal(hook.received.length, 1);

    // Another provider is another incident; the rule naming it fires too.
    steady.setAlways({ status: 500 });
    assert.ok((await h.call('steady')) >= 500);
    const all = await hook.waitFor(3);
    assert.deepEqual(all.slice(1).map((m) => [ruleOf(m), fieldsOf(m).provider]).sort(), [['ejected', 'steady'], ['steady-ejected', 'steady']]);
    await h.gw.waitForLine(() => h.gw.lines().filter((l) => l.event === 'alert_fired').length === 3);
    noSecretIn(h.gw);
  });
});
