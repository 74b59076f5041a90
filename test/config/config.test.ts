/** Config parsing and validation: Helicone's format, errors with paths and suggestions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { compileGateway } from '../../src/config/compile.js';
import { parseDuration } from '../../src/config/duration.js';
import { applyEnvOverrides } from '../../src/config/env-overrides.js';
import { SEED_CONFIG } from '../helpers/seed-config.js';



function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    const { config } = parseConfigText(text, 'test.yaml', env);
    compileGateway(config, env, { embedded: false, source: 'test.yaml' });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  return [];
}

test('the seed config parses verbatim', () => {
  const { config } = parseConfigText(SEED_CONFIG, 'seed', {});
  assert.deepEqual(config.routers['my-router']['load-balance']?.chat, { strategy: 'latency', providers: ['openai', 'anthropic', 'gemini'] });
  assert.equal(config.server.port, 8080);
  assert.equal(config.server.address, '0.0.0.0');
});

test('a Helicone config with every section is accepted', () => {
  const text = `
telemetry: { level: "info,ai_gateway=debug", format: compact, exporter: stdout }
server: { address: 127.0.0.1, port: 9090, shutdown-timeout: 10s }
dispatcher: { timeout: 2m, connection_timeout: 5s }
discover:
  discover-decay: 30s
  default-rtt: 250ms
  monitor: { health: { type: error-ratio, ratio: 0.2, window: 30s, buckets: 6, interval: 2s, grace-period: { min-requests: 10 } } }
response-headers: { provider: true, provider-request-id: false }
helicone: { features: none }
cache-store: { type: in-memory }
rate-limit-store: { type: in-memory }
global: { cache: { directive: "max-age=3600" } }
unified-api: { retries: { strategy: constant, delay: 100ms, max-retries: 1 } }
providers:
  anthropic: { version: "2023-06-01" }
  openai: { base-url: "https://example.test/", models: [gpt-4o-mini] }
default-model-mapping: { gpt-4o-mini: [anthropic/claude-haiku-4-5] }
routers:
  w:
    load-balance:
      chat:
        strategy: weighted
        providers: [ { provider: openai, weight: '0.75' }, { provider: anthropic, weight: '0.25' } ]
    retries: { strategy: exponential, min-delay: 100ms, max-delay: 2s, max-retries: 2, factor: 2 }
    model-mappings: { gpt-4o: [anthropic/claude-sonnet-4-5] }
    cache: { directive: "max-age=60" }
    rate-limit: { per-api-key: { capacity: 10, refill-frequency: 1s } }
    providers: { openai: { base-url: "https://proxy.example.test/" } }
  m:
    load-balance:
      chat:
        strategy: model-latency
        models: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]
`;
  const { config } = parseConfigText(text, 'full', {});
  assert.equal(config.dispatcher.timeout, 120_000);
  assert.equal(config.dispatcher.connection_timeout, 5_000);
  assert.equal(config.discover.monitor.health.window, 30_000);
  const compiled = compileGateway(config, { OPENAI_API_KEY: 'k'.repeat(20), ANTHROPIC_API_KEY: 'a'.repeat(20) }, { embedded: false, source: 'full' });
  assert.equal(compiled.routers.size, 2);
  assert.ok(compiled.notImplemented.includes('cache-store'));
  assert.ok(compiled.notImplemented.includes('routers.w.rate-limit'));
});

test('an unknown key names its path and suggests the closest valid key', () => {
  const found = problems(`
server:
  prot: 9000
routers:
  r:
    load-balance:
      chat:
        strategy: latency
        provider: [openai]
`);
  assert.ok(found.some((p) => p.includes('server.prot') && p.includes('did you mean "port"')), found.join('\n'));
  assert.ok(found.some((p) => p.includes('routers.r.load-balance.chat.provider') && p.includes('"providers"')), found.join('\n'));
});

test('a wrong type names the path and the expected type', () => {
  const found = problems('server:\n  port: "eighty"\n');
  assert.deepEqual(found, ['server.port: expected number, got string']);
});

test('a bad strategy, a bad duration and an unknown provider are reported', () => {
  const found = problems(`
dispatcher: { timeout: soon }
routers:
  r:
    load-balance:
      chat: { strategy: fastest, providers: [openai] }
`);
  assert.ok(found.some((p) => p.startsWith('dispatcher.timeout') && p.includes('duration')), found.join('\n'));
  assert.ok(found.some((p) => p.includes('strategy') && p.includes('"latency"')), found.join('\n'));
  const unknown = problems('routers:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [opena] }\n');
  assert.ok(unknown.some((p) => p.includes('unknown provider "opena"') && p.includes('did you mean "openai"')), unknown.join('\n'));
});

test('a custom provider without base-url is an error; with one it is OpenAI-compatible', () => {
  assert.ok(problems('providers:\n  my-vllm: { models: [x] }\n').some((p) => p.includes('providers.my-vllm') && p.includes('base-url')));
  assert.deepEqual(problems('providers:\n  my-vllm: { base-url: "http://localhost:8000/v1" }\n'), []);
});

test('YAML syntax errors are reported, not thrown raw', () => {
  const found = problems('routers:\n  r: [\n');
  assert.ok(found[0].startsWith('YAML syntax'), found.join('\n'));
});

test('environment overrides in Helicone style', () => {
  const raw: Record<string, unknown> = { server: { port: 8080 } };
  const applied = applyEnvOverrides(raw, {
    AI_GATEWAY__SERVER__PORT: '9000',
    AI_GATEWAY__DISPATCHER__CONNECTION_TIMEOUT: '3s',
    AI_GATEWAY__RESPONSE_HEADERS__PROVIDER: 'false',
    UNRELATED: 'x',
  });
  assert.deepEqual(raw, { server: { port: 9000 }, dispatcher: { connection_timeout: '3s' }, 'response-headers': { provider: false } });
  assert.equal(applied.length, 3);
});

test('durations in humantime', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h 30m'), 5_400_000);
  assert.equal(parseDuration(2), 2000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('10 parsecs'), undefined);
});

test('the embedded default builds a router over the providers with keys', () => {
  const { config } = parseConfigText('{}', 'embedded', {});
  const compiled = compileGateway(config, { ANTHROPIC_API_KEY: 'x'.repeat(20), MISTRAL_API_KEY: 'y'.repeat(20) }, { embedded: true, source: 'embedded' });
  const router = compiled.routers.get('default');
  assert.deepEqual(router?.targets.map((t) => t.provider.name).sort(), ['anthropic', 'mistral']);
});

test('providers without credentials are left out of a router, with a warning', () => {
  const { config } = parseConfigText(SEED_CONFIG, 'seed', {});
  const compiled = compileGateway(config, { OPENAI_API_KEY: 'o'.repeat(20) }, { embedded: false, source: 'seed' });
  const router = compiled.routers.get('my-router');
  assert.deepEqual(router?.targets.map((t) => t.provider.name), ['openai']);
  assert.deepEqual(router?.unavailable.map((u) => u.missing), [['ANTHROPIC_API_KEY'], ['GEMINI_API_KEY']]);
  assert.ok(compiled.warnings.some((w) => w.includes('ANTHROPIC_API_KEY')));
});

test('the embedded default without any key falls back to Ollama and says so', () => {
  const { config } = parseConfigText('{}', 'embedded', {});
  const compiled = compileGateway(config, {}, { embedded: true, source: 'embedded' });
  assert.deepEqual(compiled.routers.get('default')?.targets.map((t) => t.provider.name), ['ollama']);
  assert.ok(compiled.warnings.some((w) => w.includes('no provider keys found') && w.includes('OPENAI_API_KEY')));
});
