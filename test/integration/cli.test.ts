/** The command line as a user meets it: help, version, check, config errors, .env, env overrides. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startGateway } from '../helpers/gateway.js';
import { startOpenAISimulator } from '../simulators/openai.js';
import { SEED_CONFIG } from '../helpers/seed-config.js';

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-cli-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}



test('--help and --version', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /ai-gateway check/);
  assert.match(help.stdout, /-v, --verbose/);
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('-v / --verbose log at debug level (as in Helicone); --version has no short form', async () => {
  for (const flag of ['-v', '--verbose']) {
    const gw = await startGateway({ args: [flag] });
    await gw.stop();
    const levels = gw.output().split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { level: number }).level);
    assert.ok(levels.includes(20), `${flag}: a debug line`);
  }
  const quiet = await startGateway({});
  await quiet.stop();
  assert.doesNotMatch(quiet.output(), /"level":20/);
  const res = await runCli(['-V']);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /Unknown option '-V'/);
});

test('check: valid seed config with keys → exit 0 and a credential table without secrets', async () => {
  const dir = await dirWith({ 'ai-gateway-config.yaml': SEED_CONFIG });
  const key = 'test-openai-key-for-check-9876';
  const res = await runCli(['check'], { cwd: dir, env: { OPENAI_API_KEY: key } });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /openai\s+found OPENAI_API_KEY \(…9876\)/);
  assert.match(res.stdout, /anthropic\s+MISSING — set ANTHROPIC_API_KEY/);
  assert.match(res.stdout, /my-router: latency over openai/);
  assert.ok(!res.stdout.includes(key));
});

test('check: a router that can use no provider → exit 1', async () => {
  const dir = await dirWith({ 'ai-gateway-config.yaml': SEED_CONFIG });
  const res = await runCli(['check'], { cwd: dir });
  assert.equal(res.code, 1);
  assert.match(res.stdout, /my-router/);
  assert.match(res.stdout, /GEMINI_API_KEY/);
});

test('config errors exit 1 before listening, naming the path and a suggestion', async () => {
  const dir = await dirWith({ 'bad.yaml': 'server:\n  prot: 9000\n' });
  const res = await runCli(['--config', 'bad.yaml', '--port', '0'], { cwd: dir });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /server\.prot: unknown key "prot" — did you mean "port"\?/);
  assert.doesNotMatch(res.stdout, /listening/);
  const missing = await runCli(['--config', 'nope.yaml'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /file not found/);
});

test('unknown flags and commands are refused with a pointer to --help', async () => {
  const res = await runCli(['--colour']);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /--help/);
});

test('the embedded default, keys from .env, and the AI_GATEWAY__ override', async () => {
  const sim = await startOpenAISimulator({ apiKey: 'dotenv-openai-key-1234' });
  try {
    // No config file: embedded default; the base URL comes in through an env override.
    const gw = await startGateway({
      dotenv: 'OPENAI_API_KEY=dotenv-openai-key-1234\n',
      env: { AI_GATEWAY__PROVIDERS__OPENAI__BASE_URL: sim.url },
    });
    try {
      assert.match(gw.output(), /embedded default/);
      const res = await fetch(`${gw.url}/router/default/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(sim.requests.at(-1)?.headers.authorization, 'Bearer dotenv-openai-key-1234');
      assert.ok(!gw.output().includes('dotenv-openai-key-1234'));
    } finally {
      await gw.stop();
    }
  } finally {
    await sim.close();
  }
});

test('a variable already set wins over .env', async () => {
  const dir = await dirWith({ 'ai-gateway-config.yaml': SEED_CONFIG, '.env': 'OPENAI_API_KEY=from-dotenv-aaaa-bbbb\n' });
  const res = await runCli(['check'], { cwd: dir, env: { OPENAI_API_KEY: 'from-env-cccc-dddd-eeee' } });
  assert.match(res.stdout, /…eeee/);
});

test('access lines are batched but none is lost: each request has its line by the time the gateway has exited', async () => {
  const gw = await startGateway({});
  const paths = ['/health', '/health?key=secret-query-value', '/no-such-route'];
  for (const path of paths) await (await fetch(`${gw.url}${path}`)).arrayBuffer();
  await gw.stop();
  const lines = gw
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"request"'))
    .map((line) => JSON.parse(line) as { level: number; time: number; method: string; path: string; status: number });
  assert.deepEqual(
    lines.map(({ method, path, status }) => ({ method, path, status })),
    [
      { method: 'GET', path: '/health', status: 200 },
      { method: 'GET', path: '/health', status: 200 },
      { method: 'GET', path: '/no-such-route', status: 404 },
    ],
  );
  for (const line of lines) assert.equal(line.level, 30);
  assert.ok(!gw.output().includes('secret-query-value'));
});
