import assert from 'node:assert/strict';
/** Tracing through the built gateway: the attempt's traceparent upstream, spans flushed on SIGTERM. */
import { test } from 'node:test';
import { startGateway } from '../helpers/gateway.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { startOpenAISimulator } from '../simulators/openai.js';

test('through dist: spans flushed on SIGTERM, traceparent upstream', async () => {
  const rx = await startOtlpReceiver();
  const sim = await startOpenAISimulator({ apiKey: 'test-openai-key-wiring-0123456789' });
  const gw = await startGateway({
    config: `providers:\n  openai: { base-url: "${sim.url}" }\nrouters:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [openai] }\ntelemetry: { exporter: otlp, otlp-endpoint: "${rx.url}/v1/metrics", service-name: dist-gw }\n`,
    env: { OPENAI_API_KEY: 'test-openai-key-wiring-0123456789' },
  });
  try {
    const res = await fetch(`${gw.url}/router/r/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(rx.spans.length, 0);
    await gw.stop();
    const spans = await rx.waitFor((s) => s.length >= 2);
    const child = spans.find((s) => s.kind === 3);
    assert.equal(sim.requests.at(-1)?.headers.traceparent, `00-${child?.traceId}-${child?.spanId}-01`);
    assert.equal(spans[0].resource['service.name'], 'dist-gw');
    assert.doesNotMatch(gw.output(), /not acted on/);
  } finally {
    await gw.stop();
    await sim.close();
    await rx.close();
  }
});
