/**
 * Alert config checked at startup: a rule naming an unknown webhook is refused with a message
 * that says which rule, which name and what exists — and never quotes a webhook URL; so are
 * duplicate rule names, non-http webhooks and unknown providers or routers (a typo would
 * silence a rule for good). A webhook URL can come from the environment, out of the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../../src/config/errors.js';
import { parseConfigText } from '../../../src/config/load.js';
import { alertProblems, createAlerts } from '../../../src/observability/alerts/index.js';
import { startInProcess, type InProcessGateway } from '../../helpers/in-process.js';

const SECRET = 'test-webhook-secret-0123456789abcdef';
const HOOK = `https://hooks.example/services/T0000/B0000/${SECRET}`;

const alertsOf = (yaml: string) => {
  const { config } = parseConfigText(yaml, 'test config', {});
  assert.ok(config.alerts);
  return config.alerts;
};

describe('alert config', () => {
  let gw: InProcessGateway;

  before(async () => {
    gw = await startInProcess({
      config: `
providers:
  openai: { base-url: "http://127.0.0.1:9/", models: [gpt-4o-mini] }
routers:
  oa: { load-balance: { chat: { strategy: latency, providers: [openai] } } }
`,
      env: { OPENAI_API_KEY: 'test-openai-key-0123456789abcdef' },
    });
  });

  after(async () => {
    await gw?.close();
  });

  test('a rule naming an unknown webhook is refused at startup', () => {
    const config = alertsOf(`
alerts:
  webhooks: { ops: "${HOOK}", oncall: "${HOOK}" }
  rules:
    - { name: openai-spend, spend: { over: 50, per: day, provider: openai }, notify: [ops, opz] }
`);
    assert.throws(
      () => createAlerts(config, gw.gateway, gw.gateway.logger),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems, ['alerts.rules[0].notify[1]: unknown webhook "opz" — did you mean "ops"? (alerts.webhooks has "ops", "oncall")']);
        assert.ok(!err.message.includes(SECRET));
        return true;
      },
    );
    const none = alertsOf(`
alerts:
  rules:
    - { name: ejected, provider-ejected: { provider: any }, notify: [ops] }
`);
    assert.deepEqual(alertProblems(none), ['alerts.rules[0].notify[0]: unknown webhook "ops" (alerts.webhooks is empty)']);
  });

  test('duplicate names, non-http webhooks, unknown providers and routers are problems too', () => {
    const config = alertsOf(`
alerts:
  webhooks: { ops: "${HOOK}", mail: "mailto:ops@example.com" }
  rules:
    - { name: spend, spend: { over: 50, per: day, provider: opnai }, notify: [ops] }
    - { name: spend, error-rate: { over: 0.2, router: ao }, notify: [ops] }
    - { name: unified, error-rate: { over: 0.2, router: /ai }, notify: [ops] }
    - { name: ejected, provider-ejected: { provider: any }, notify: [ops] }
    - { name: gemini-ejected, provider-ejected: { provider: gemni }, notify: [ops] }
`);
    const problems = alertProblems(config, { providers: ['openai', 'gemini'], routers: ['oa'] });
    assert.deepEqual(problems, [
      'alerts.webhooks.mail: expected an http(s) URL, got a mailto: URL',
      'alerts.rules[0].spend.provider: unknown provider "opnai" — did you mean "openai"?',
      'alerts.rules[1].name: "spend" is also the name of alerts.rules[0]; a rule\'s name keys its cooldown and log lines',
      'alerts.rules[1].error-rate.router: unknown router "ao" — did you mean "oa"?',
      'alerts.rules[4].provider-ejected.provider: unknown provider "gemni" — did you mean "gemini"?',
    ]);
    assert.ok(!problems.join('\n').includes(SECRET));
  });

  test('a webhook URL may come from the environment (AI_GATEWAY__ALERTS__WEBHOOKS__OPS)', () => {
    const { config } = parseConfigText('alerts: { rules: [{ name: ejected, provider-ejected: {}, notify: [ops] }] }', 'test config', { AI_GATEWAY__ALERTS__WEBHOOKS__OPS: HOOK });
    assert.ok(config.alerts);
    assert.equal(config.alerts.webhooks.ops, HOOK);
    assert.equal(config.alerts.cooldown, 15 * 60_000, 'the cooldown defaults to 15m');
    assert.equal(config.alerts.rules[0]['provider-ejected']?.provider, 'any');
    assert.deepEqual(alertProblems(config.alerts), []);
  });
});
