/**
 * The OpenTelemetry SDK is loaded only when traces are exported: a gateway serving requests
 * without `exporter: otlp | both` has loaded none of it (checked on the CommonJS module cache,
 * where the SDK's packages land, like the footprint test's probe). This file runs in a process
 * of its own, so nothing else here loaded them first.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { createTracing } from '../../../src/observability/tracing/index.js';
import { startInProcess } from '../../helpers/in-process.js';
import { startOtlpReceiver } from '../../helpers/otlp-receiver.js';
import { startOpenAISimulator } from '../../simulators/openai.js';

const require = createRequire(import.meta.url);
const loaded = (): string[] => Object.keys(require.cache).filter((path) => path.includes('/@opentelemetry/'));
const KEY = 'test-openai-key-lazy-load-0123456789';

async function serveOne(telemetry: string): Promise<boolean> {
  const rx = await startOtlpReceiver();
  telemetry = telemetry.replace('RECEIVER', rx.url);
  const openai = await startOpenAISimulator({ apiKey: KEY });
  const gw = await startInProcess({
    config: `providers:\n  openai: { base-url: "${openai.url}" }\nrouters:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [openai] }\n${telemetry}`,
    env: { OPENAI_API_KEY: KEY },
  });
  try {
    const tracing = await createTracing(gw.compiled.config.telemetry, gw.gateway, gw.gateway.logger, { env: {} });
    const res = await fetch(`${gw.url}/router/r/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    await tracing?.shutdown();
    return tracing !== undefined;
  } finally {
    await gw.close();
    await openai.close();
    await rx.close();
  }
}

test('without exporter otlp or both, no OpenTelemetry module is loaded', async () => {
  assert.equal(await serveOne('telemetry: { exporter: stdout, service-name: gw, propagate: true }\n'), false);
  assert.equal(await serveOne(''), false);
  assert.deepEqual(loaded(), []);
});

test('with exporter otlp the SDK and the exporter are loaded (so the check above can see them)', async () => {
  assert.equal(await serveOne('telemetry: { exporter: otlp, otlp-endpoint: "RECEIVER" }\n'), true);
  const modules = loaded();
  for (const pkg of ['api', 'sdk-trace-base', 'exporter-trace-otlp-http', 'resources', 'core']) {
    assert.ok(modules.some((p) => p.includes(`/@opentelemetry/${pkg}/`)), `${pkg}: ${modules.length} modules loaded`);
  }
});
