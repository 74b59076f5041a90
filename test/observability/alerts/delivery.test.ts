/**
 * Webhook delivery, against local receivers: retries with backoff on a 5xx, bounded; a 4xx
 * refusal is not retried; connection failures and timeouts are retried and reported; nothing on
 * the way waits for a POST (a queue, bounded); shutdown sends what is queued; and no log line
 * carries the URL's path or query, where webhook secrets live — only the host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAlerts, type Alerts, type AlertsConfig } from '../../../src/observability/alerts/index.js';
import type { DeliveryOptions } from '../../../src/observability/alerts/webhook.js';
import { closedPort } from '../../helpers/clients.js';
import { startInProcess, type InProcessGateway, type LogLine } from '../../helpers/in-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { startSilentServer, type SilentServer } from '../../simulators/stalling.js';

const SECRET = 'test-webhook-secret-0123456789abcdef';
const HOOK_PATH = `/services/T0000/B0000/${SECRET}?token=${SECRET}`;

describe('webhook delivery', () => {
  let gw: InProcessGateway;
  let hook: WebhookReceiver;
  let silent: SilentServer;
  let refusedPort: number;

  before(async () => {
    gw = await startInProcess({ config: '{}' });
    hook = await startWebhookReceiver();
    silent = await startSilentServer();
    refusedPort = await closedPort();
  });

  after(async () => {
    await gw?.close();
    await hook?.close();
    await silent?.close();
  });

  /** Alerts with one provider-ejected rule named `rule`, sending to `url`. */
  function alertsTo(rule: string, url: string, delivery: Partial<DeliveryOptions> = {}): Alerts {
    const config: AlertsConfig = { webhooks: { ops: url }, cooldown: 900_000, rules: [{ name: rule, 'provider-ejected': { provider: 'any' }, notify: ['ops'] }] };
    return createAlerts(config, gw.gateway, gw.gateway.logger, { delivery: { backoffMs: 20, timeoutMs: 1_000, ...delivery } });
  }
  const eject = (provider: string): void => gw.gateway.bus.emit({ type: 'health', provider, state: 'ejected', at: performance.now() });
  const linesOf = (rule: string, event: string): LogLine[] => gw.lines().filter((l) => l.rule === rule && l.event === event);
  /** The `count`th such line, once written (lines are batched). */
  const waitFor = async (rule: string, event: string, count = 1): Promise<LogLine> => {
    await gw.waitForLine(() => linesOf(rule, event).length >= count);
    return linesOf(rule, event)[count - 1];
  };
  const host = (url: string): string => new URL(url).host;
  const noSecretInLogs = (): void => {
    assert.ok(!gw.logs().includes(SECRET), 'no secret in the logs');
    assert.ok(!gw.logs().includes('/services/'), 'no webhook path in the logs');
  };

  test('a 500 from the receiver is retried with backoff until it is accepted; each try is logged by host', async () => {
    const alerts = alertsTo('retried', hook.url(HOOK_PATH));
    const before = hook.posts;
    hook.failNext(2, 500);
    eject('openai');
    const [message] = await hook.waitFor(1);
    assert.equal(hook.posts - before, 3);
    assert.match(message.body.text, /^\[ai-gateway\] retried: provider openai was ejected/);
    await waitFor('retried', 'alert_delivered');
    const failed = linesOf('retried', 'alert_delivery_failed');
    assert.deepEqual(failed.map((l) => l.attempt), [1, 2]);
    for (const line of failed) {
      assert.equal(line.host, host(hook.url('/')));
      assert.equal(line.webhook, 'ops');
      assert.equal(line.reason, 'status 500: no service at …', 'the receiver quoted the URL; the log does not');
      assert.ok(typeof line.retryInMs === 'number' && line.retryInMs >= 10, String(line.retryInMs));
    }
    assert.ok((failed[1].retryInMs as number) >= 20, 'the backoff doubles');
    const [delivered] = linesOf('retried', 'alert_delivered');
    assert.equal(delivered.attempts, 3);
    assert.equal(delivered.status, 200);
    assert.equal(delivered.host, host(hook.url('/')));
    await alerts.close();
    noSecretInLogs();
  });

  test('retries are bounded, and a 4xx refusal is not retried', async () => {
    const alerts = alertsTo('refused', hook.url(HOOK_PATH), { retries: 3 });
    const before = hook.posts;
    hook.failNext(4, 503);
    eject('anthropic');
    const given = await waitFor('refused', 'alert_undelivered');
    assert.equal(given.attempts, 4, 'the first try and 3 retries');
    assert.equal(hook.posts - before, 4);
    hook.failNext(1, 400);
    eject('gemini');
    await waitFor('refused', 'alert_undelivered', 2);
    const [, notRetried] = linesOf('refused', 'alert_undelivered');
    assert.equal(notRetried.attempts, 1);
    assert.match(String(notRetried.reason), /^status 400/);
    assert.equal(hook.posts - before, 5);
    await alerts.close();
    noSecretInLogs();
  });

  test('an unreachable webhook and one that never answers: retried, then reported', async () => {
    const unreachable = alertsTo('unreachable', `http://127.0.0.1:${refusedPort}${HOOK_PATH}`, { retries: 1 });
    const hung = alertsTo('hung', `${silent.url.slice(0, -1)}${HOOK_PATH}`, { retries: 1, timeoutMs: 100 });
    eject('mistral');
    const refused = await waitFor('unreachable', 'alert_undelivered');
    assert.equal(refused.attempts, 2);
    assert.match(String(refused.reason), /ECONNREFUSED/);
    assert.equal(refused.host, `127.0.0.1:${refusedPort}`);
    const timedOut = await waitFor('hung', 'alert_undelivered');
    assert.equal(timedOut.attempts, 2);
    assert.equal(timedOut.reason, 'no answer within 100ms');
    assert.equal(linesOf('hung', 'alert_delivery_failed').length, 1);
    await unreachable.close();
    await hung.close();
    noSecretInLogs();
  });

  test('firing never waits for a POST; a full queue drops and says so; shutdown sends what is queued', async () => {
    const alerts = alertsTo('queued', hook.url(HOOK_PATH), { maxQueue: 2 });
    const before = hook.received.length;
    const posts = hook.posts;
    eject('p1');
    eject('p2');
    eject('p3');
    assert.equal(hook.posts, posts, 'nothing sent during the event');
    await alerts.close();
    assert.equal(hook.received.length - before, 2, 'close resolves once the queue is sent');
    const dropped = await waitFor('queued', 'alert_undelivered');
    assert.match(String(dropped.reason), /^queue full/);
    eject('p4');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(hook.received.length - before, 2, 'closed alerts no longer watch the bus');
  });

  test('close gives up on a delivery that outlasts the grace period', async () => {
    const alerts = alertsTo('grace', `${silent.url.slice(0, -1)}${HOOK_PATH}`, { timeoutMs: 10_000 });
    eject('p5');
    const started = Date.now();
    await alerts.close(100);
    assert.ok(Date.now() - started < 1_000, 'did not wait for the 10s timeout');
    const given = await waitFor('grace', 'alert_undelivered');
    assert.equal(given.reason, 'the gateway is shutting down');
  });
});
