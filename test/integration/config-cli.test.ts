/**
 * Config messages through the CLI (dist/cli.js): keys Helicone ignores are warnings for `check`
 * and at startup, and failures with `check --strict`; a bad `AI_GATEWAY__…` value names the
 * variable; a YAML syntax error shows its line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startGateway } from '../helpers/gateway.js';

const WITH_TYPO = `
providers:
  openai: { modles: [gpt-4o] }
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [openai] }
`;
const ENV = { OPENAI_API_KEY: 'sk-openai-strict-test' };

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-strict-'));
  const path = join(dir, 'ai-gateway-config.yaml');
  await writeFile(path, text);
  return path;
}

test('check warns about an ignored key and passes; check --strict fails on it', async () => {
  const path = await configFile(WITH_TYPO);
  const plain = await runCli(['check', '--config', path], { env: ENV });
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout, /warning: providers\.openai\.modles: unknown key "modles" is ignored — did you mean "models"\?/);
  const strict = await runCli(['check', '--strict', '--config', path], { env: ENV });
  assert.equal(strict.code, 1, strict.stdout + strict.stderr);
  assert.match(strict.stdout, /error: --strict: 1 key\(s\) in the config are ignored/);
});

test('check --strict passes a clean config', async () => {
  const path = await configFile('routers:\n  r:\n    load-balance:\n      chat: { strategy: balanced-latency, providers: [openai] }\n');
  const strict = await runCli(['check', '--strict', '--config', path], { env: ENV });
  assert.equal(strict.code, 0, strict.stdout + strict.stderr);
});

test('the gateway starts with an ignored key and logs the warning and the keys it does not act on', async () => {
  const gw = await startGateway({ config: `${WITH_TYPO}telemetry: { service-name: my-gateway }\n`, env: ENV });
  try {
    const res = await fetch(`${gw.url}/health`);
    assert.equal(res.status, 200);
    await new Promise((r) => setTimeout(r, 150));
    // Log lines are JSON: quotes inside messages are escaped.
    assert.match(gw.output(), /providers\.openai\.modles: unknown key \\"modles\\" is ignored/);
    assert.match(gw.output(), /config: \\"telemetry\.service-name\\" is accepted but not acted on yet/);
  } finally {
    await gw.stop();
  }
});

test('a bad AI_GATEWAY__ value names the variable and the environment, not the file', async () => {
  const path = await configFile('server: { port: 8080 }\n');
  const res = await runCli(['check', '--config', path], { env: { ...ENV, AI_GATEWAY__SERVER__PORT: 'eighty' } });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^invalid config \(environment\):\n {2}- AI_GATEWAY__SERVER__PORT \(server\.port\): expected number, got string/);
  assert.ok(!res.stderr.includes(path));
});

test('a YAML syntax error shows the whole message with the line and a caret', async () => {
  const path = await configFile('server:\n  port: 8080\n   address: x\n');
  const res = await runCli(['check', '--config', path], { env: ENV });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /YAML syntax: .* at line 2, column 9:/);
  assert.ok(res.stderr.includes('      port: 8080\n            ^'), res.stderr);
});
