/** Event lines: one JSON line per event, with event, requestId, provider and reason, through the batched output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogging } from '../../src/observability/logger.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { DEFAULT_HEALTH, HealthChange, ProviderHealth } from '../../src/core/health/provider-health.js';

function capture() {
  const out: string[] = [];
  const logging = createLogging('info', { write: (chunk: string) => out.push(chunk) });
  const lines = async () => {
    await new Promise((r) => setTimeout(r, 80)); // the batch flushes within 50ms
    return out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { events: logging.events, lines, out };
}

test('every event is one line with its fields; writing does not wait for the output', async () => {
  const { events, lines, out } = capture();
  const clock = () => 1_000_000;
  const health = new ProviderHealth('anthropic', DEFAULT_HEALTH, clock);
  events.attemptFailed('r1', 'openai', 1, new GatewayError({ status: 502, code: 'upstream_unreachable', message: 'm', reason: 'connect ECONNREFUSED' }));
  events.fallback('r1', 'openai', 'anthropic', 2);
  events.retry('r1', 'anthropic', 3, 1_000);
  health.report('rate-limited', health.acquire(clock()), clock(), 7);
  events.health('r1', HealthChange.CoolingDown, health, clock());
  events.health('r1', HealthChange.Ejected, health, clock());
  events.health('r1', HealthChange.Readmitted, health, clock());
  events.streamInterrupted('r1', 'anthropic', new GatewayError({ status: 502, code: 'upstream_stream_interrupted', message: 'anthropic: stopped', provider: 'anthropic' }));
  assert.equal(out.length, 0, 'batched: nothing written synchronously');
  const got = await lines();
  assert.deepEqual(
    got.map((l) => [l.event, l.requestId, l.provider, l.level]),
    [
      ['attempt_failed', 'r1', 'openai', 40],
      ['fallback', 'r1', 'anthropic', 30],
      ['retry', 'r1', 'anthropic', 30],
      ['provider_cooling_down', 'r1', 'anthropic', 40],
      ['provider_ejected', 'r1', 'anthropic', 40],
      ['provider_readmitted', 'r1', 'anthropic', 30],
      ['stream_interrupted', 'r1', 'anthropic', 40],
    ],
  );
  assert.equal(got[0]!.reason, 'connect ECONNREFUSED');
  assert.equal(got[0]!.code, 'upstream_unreachable');
  assert.equal(got[1]!.from, 'openai');
  assert.equal(got[2]!.waitMs, 1_000);
  assert.equal(got[3]!.forMs, 7_000);
  assert.equal(got[6]!.reason, '502 stopped');
  for (const l of got) assert.equal(typeof l.reason === 'string' || l.event === 'fallback' || l.event === 'retry', true, String(l.event));
});
