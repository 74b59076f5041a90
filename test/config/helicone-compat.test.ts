/**
 * Helicone config semantics: what Helicone accepts loads (balanced-latency, max-retries up to
 * 255), default-model-mapping merges into the embedded one, unknown keys in lenient sections warn
 * with a suggestion, accepted-but-unused keys are named, messages point at the right place.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { compileGateway, mergedDefaultMapping } from '../../src/config/compile.js';
import { defaultModelMapping } from '../../src/config/embedded/model-mapping.js';
import type { Router } from '../../src/core/router.js';
import { prepare } from '../../src/startup.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENV = { OPENAI_API_KEY: 'sk-openai-test-key', ANTHROPIC_API_KEY: 'sk-ant-test-key' };

function load(text: string, env: NodeJS.ProcessEnv = ENV) {
  const loaded = parseConfigText(text, 'test.yaml', env);
  return { ...loaded, compiled: compileGateway(loaded.config, env, { embedded: false, source: 'test.yaml' }) };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe("item 7: what Helicone accepts", () => {
  test('strategy: balanced-latency is latency', () => {
    const { compiled } = load('routers:\n  r:\n    load-balance:\n      chat: { strategy: balanced-latency, providers: [openai, anthropic] }\n');
    const router = compiled.routers.get('r') as Router;
    assert.equal(router.strategy.name, 'latency');
    assert.deepEqual(router.targets.map((t) => t.provider.name), ['openai', 'anthropic']);
  });

  test('retries.max-retries accepts 0–255 (a u8), and refuses 256', () => {
    for (const n of [0, 11, 255]) {
      const { config } = load(`routers:\n  r:\n    retries: { strategy: constant, delay: 5ms, max-retries: ${n} }\n`);
      assert.equal(config.routers.r.retries?.['max-retries'], n);
    }
    const err = configError(() => load('routers:\n  r:\n    retries: { strategy: exponential, max-retries: 256 }\n'));
    assert.match(err.problems.join('\n'), /routers\.r\.retries\.max-retries/);
  });
});

describe('item 8: default-model-mapping merges into the embedded mapping', () => {
  test('a user entry replaces that key only; every built-in equivalence stays', () => {
    const { config, compiled } = load(`
default-model-mapping:
  gpt-4o-mini: [anthropic/claude-3-5-haiku-latest]
  my-model: [openai/gpt-4o]
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [openai, anthropic] }
`);
    const merged = mergedDefaultMapping(config);
    const embedded = defaultModelMapping();
    assert.deepEqual(merged['gpt-4o-mini'], ['anthropic/claude-3-5-haiku-latest']);
    assert.deepEqual(merged['my-model'], ['openai/gpt-4o']);
    assert.deepEqual(merged['gpt-4o'], embedded['gpt-4o'], 'untouched keys keep the built-in list');
    const router = compiled.routers.get('r') as Router;
    const models = (m: string) => router.candidates(m).map((c) => `${c.target.provider.name}/${c.model}`).sort();
    assert.deepEqual(models('gpt-4o-mini'), ['anthropic/claude-3-5-haiku-latest', 'openai/gpt-4o-mini']);
    // gpt-4o is not in the user's mapping: the embedded equivalence still maps it to Anthropic.
    assert.deepEqual(models('gpt-4o'), ['anthropic/claude-sonnet-4-5', 'openai/gpt-4o']);
  });

  test("a router's model-mappings replaces the mapping for that router (Helicone's rule)", () => {
    const { compiled } = load(`
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [openai, anthropic] }
    model-mappings:
      gpt-4o-mini: [anthropic/claude-3-5-haiku-latest]
`);
    const router = compiled.routers.get('r') as Router;
    assert.deepEqual(router.candidates('gpt-4o').map((c) => c.target.provider.name), ['openai']);
  });
});

describe('item 9: unknown keys where Helicone ignores them', () => {
  const TEXT = `
response-headers: { provider: true, provder-request-id: false }
dispatcher: { timout: 30s }
providers:
  openai: { base-url: "https://api.openai.com/", modles: [gpt-4o] }
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [openai] }
    retries: { strategy: constant, delay: 5ms, max-retry: 3 }
    model-mapping: { gpt-4o: [anthropic/claude-sonnet-4-5] }
    providers:
      openai: { base-url: "https://proxy.example/", verison: "1" }
    dispatcher: { connection-timout: 2s }
`;

  test('each is a warning naming the path and the closest valid key, and the config loads', () => {
    const { unknownKeys, compiled } = load(TEXT);
    const expect = [
      ['response-headers.provder-request-id', 'provider-request-id'],
      ['dispatcher.timout', 'timeout'],
      ['providers.openai.modles', 'models'],
      ['routers.r.retries.max-retry', 'max-retries'],
      ['routers.r.model-mapping', 'model-mappings'],
      ['routers.r.providers.openai.verison', 'version'],
      ['routers.r.dispatcher.connection-timout', 'connection-timeout'],
    ];
    assert.equal(unknownKeys.length, expect.length, unknownKeys.join('\n'));
    for (const [path, suggestion] of expect) {
      assert.ok(
        unknownKeys.some((w) => w.startsWith(`${path}:`) && w.includes(`did you mean "${suggestion}"`)),
        `${path}\n${unknownKeys.join('\n')}`,
      );
    }
    assert.ok(compiled.routers.has('r'));
  });

  test('startup lists them with the other warnings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-unknown-'));
    await writeFile(join(dir, 'ai-gateway-config.yaml'), TEXT);
    const startup = await prepare(undefined, dir, { ...ENV });
    assert.ok(startup.compiled.warnings.some((w) => w.startsWith('dispatcher.timout')));
  });

  test('top-level unknown keys stay fatal (Helicone rejects them too)', () => {
    const err = configError(() => load('routrs:\n  r: {}\n'));
    assert.deepEqual(err.problems, ['routrs: unknown key "routrs" — did you mean "routers"?']);
  });

  test('strict sections stay strict: a typo in server is an error', () => {
    const err = configError(() => load('server: { prot: 9 }\n'));
    assert.match(err.problems[0], /server\.prot.*did you mean "port"/);
  });

  test('accepted keys that are not acted on are named', () => {
    const { compiled } = load(`
telemetry: { level: "info,ai_gateway=debug", service-name: gw, propagate: false }
providers:
  openai: { region: us-east-1 }
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [openai] }
      image: { strategy: latency, providers: [openai] }
      audio: { strategy: latency, providers: [openai] }
`);
    for (const key of [
      'telemetry.service-name',
      'telemetry.propagate',
      'telemetry.level module directives (ai_gateway=debug)',
      'routers.r.load-balance.image',
      'routers.r.load-balance.audio',
      'providers.openai.region',
    ]) {
      assert.ok(compiled.notImplemented.includes(key), `${key}: ${compiled.notImplemented.join(', ')}`);
    }
    assert.ok(!compiled.notImplemented.some((k) => k.startsWith('response-headers')), 'response-headers is acted on');
  });

  test('telemetry.otlp-endpoint, service-name and propagate act with exporter otlp or both (traces), not otherwise', () => {
    const keys = ['telemetry.otlp-endpoint', 'telemetry.service-name', 'telemetry.propagate'];
    const named = (exporter: string) =>
      load(`telemetry: { exporter: ${exporter}, otlp-endpoint: "http://localhost:4317/v1/metrics", service-name: gw, propagate: false }\nrouters:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [openai] }\n`).compiled.notImplemented.filter((k) => k.startsWith('telemetry.'));
    assert.deepEqual(named('otlp'), []);
    assert.deepEqual(named('both'), []);
    assert.deepEqual(named('stdout'), keys);
  });

  test('defaults are not named: a plain config has nothing not acted on', () => {
    const { compiled } = load('telemetry: { level: debug }\nrouters:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [openai] }\n');
    assert.deepEqual(compiled.notImplemented, []);
  });
});

describe('item 15: messages that help', () => {
  test('stratgy: inside load-balance gets a did-you-mean', () => {
    const err = configError(() => load('routers:\n  r:\n    load-balance:\n      chat: { stratgy: latency, providers: [openai] }\n'));
    assert.equal(err.problems.length, 1, err.problems.join('\n'));
    assert.match(err.problems[0], /^routers\.r\.load-balance\.chat\.stratgy: unknown key "stratgy" — did you mean "strategy"\?/);
  });

  test('a misspelt strategy value and retries strategy get a did-you-mean too', () => {
    const err = configError(() => load('routers:\n  r:\n    load-balance:\n      chat: { strategy: weigthed, providers: [openai] }\n    retries: { stratgey: constant }\n'));
    assert.ok(err.problems.some((p) => p.includes('strategy: expected one of') && p.includes('got "weigthed" — did you mean "weighted"?')), err.problems.join('\n'));
    assert.ok(err.problems.some((p) => p.startsWith('routers.r.retries.stratgey: unknown key') && p.includes('"strategy"')), err.problems.join('\n'));
  });

  test('an error in an AI_GATEWAY__ variable names the variable, not the file', () => {
    const err = configError(() => load('server: { port: 8080 }\n', { AI_GATEWAY__SERVER__PORT: 'eighty' }));
    assert.deepEqual(err.problems, ['AI_GATEWAY__SERVER__PORT (server.port): expected number, got string']);
    assert.equal(err.source, 'environment');
    assert.match(err.message, /^invalid config \(environment\)/);
    const mixed = configError(() => load('server: { prot: 1 }\n', { AI_GATEWAY__SERVER__PORT: 'eighty' }));
    assert.equal(mixed.source, 'test.yaml', 'a problem in the file keeps the file as the source');
    assert.ok(mixed.problems.includes('AI_GATEWAY__SERVER__PORT (server.port): expected number, got string'));
  });

  test('a compile-time problem from a variable names it too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-envprob-'));
    await writeFile(join(dir, 'ai-gateway-config.yaml'), 'routers:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [openai] }\n');
    await assert.rejects(
      prepare(undefined, dir, { ...ENV, AI_GATEWAY__DISCOVER__DISCOVER_DECAY: '0s' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0].startsWith('AI_GATEWAY__DISCOVER__DISCOVER_DECAY (discover.discover-decay)'),
    );
  });

  test('a YAML syntax error shows the whole message with its line', () => {
    const err = configError(() => load('server:\n  port: 8080\n   address: x\n'));
    const message = err.problems[0];
    assert.match(message, /^YAML syntax: .* at line 2, column 9:/);
    assert.ok(message.includes('  port: 8080\n        ^'), message);
    assert.ok(err.message.includes('\n      port: 8080\n'), 'continuation lines are indented under the problem');
  });
});

describe('item 17: api-key: none', () => {
  test('a custom provider with api-key: none needs no variable', () => {
    const { compiled } = load(`
providers:
  local-llm: { base-url: "http://127.0.0.1:8000/v1", api-key: none, models: [qwen] }
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [local-llm] }
`, {});
    const status = compiled.credentials.status('local-llm');
    assert.ok(status?.found);
    assert.deepEqual(status.credentials, { kind: 'none' });
    assert.equal(compiled.routers.get('r')?.targets.length, 1);
  });

  test('any other api-key value is refused without echoing it', () => {
    const err = configError(() => load('providers:\n  local-llm: { base-url: "http://127.0.0.1:8000/v1", api-key: sk-live-secret-123 }\n', {}));
    assert.match(err.problems[0], /^providers\.local-llm\.api-key: only "none" is accepted/);
    assert.ok(!err.message.includes('sk-live-secret-123'));
  });
});

describe("item 12: Helicone's spelling of a custom provider's key variable", () => {
  const TEXT = 'providers:\n  my-llm: { base-url: "http://127.0.0.1:8000/" }\nrouters:\n  r:\n    load-balance:\n      chat: { strategy: latency, providers: [my-llm] }\n';

  test('MY-LLM_API_KEY is read (env and .env can set it)', () => {
    const { compiled } = load(TEXT, { 'MY-LLM_API_KEY': 'sk-my-llm-dashed-1234' });
    const status = compiled.credentials.status('my-llm');
    assert.ok(status?.found);
    assert.deepEqual(status.variables, ['MY-LLM_API_KEY']);
    assert.deepEqual(status.credentials, { kind: 'api-key', key: 'sk-my-llm-dashed-1234' });
  });

  test('MY_LLM_API_KEY is read, and wins when both are set', () => {
    const { compiled } = load(TEXT, { MY_LLM_API_KEY: 'sk-underscored-5678', 'MY-LLM_API_KEY': 'sk-my-llm-dashed-1234' });
    const status = compiled.credentials.status('my-llm');
    assert.ok(status?.found);
    assert.deepEqual(status.variables, ['MY_LLM_API_KEY']);
  });

  test('a .env file can set MY-LLM_API_KEY', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-dashed-'));
    await writeFile(join(dir, 'ai-gateway-config.yaml'), TEXT);
    await writeFile(join(dir, '.env'), 'MY-LLM_API_KEY=sk-from-dotenv-9999\n');
    const { compiled } = await prepare(undefined, dir, {});
    const status = compiled.credentials.status('my-llm');
    assert.ok(status?.found);
    assert.deepEqual(status.variables, ['MY-LLM_API_KEY']);
    assert.equal(compiled.routers.get('r')?.targets.length, 1);
  });

  test('neither set: the message asks for the shell-friendly name', () => {
    const { compiled } = load(TEXT, {});
    const status = compiled.credentials.status('my-llm');
    assert.ok(status && !status.found);
    assert.deepEqual(status.missing, ['MY_LLM_API_KEY']);
  });
});
