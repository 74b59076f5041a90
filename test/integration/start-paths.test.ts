/**
 * The gateway runs with the same V8 flags however it is started — `node dist/cli.js`, the
 * installed bin (a plain `#!/usr/bin/env node`, which BusyBox's env runs too), `npm start`, and as
 * cluster workers — and `npm start` stops when npm is told to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { startOpenAISimulator } from '../simulators/openai.js';
import { startSlowUpstream } from '../helpers/slow-upstream.js';
import { GATEWAY_NODE_FLAGS } from '../../src/cli/v8-flags.js';
import { GATEWAY_NODE_FLAGS as BENCH_NODE_FLAGS } from '../../bench/lib/servers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('../helpers/heap-spaces-probe.mjs', import.meta.url));
const FLAGS = [...GATEWAY_NODE_FLAGS];

interface FlagsLine {
  pid: number;
  nodeFlags: { commandLine: string[]; atStartup: string[] };
}

function flagLines(gw: GatewayProcess): FlagsLine[] {
  return gw
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"V8 flags"'))
    .map((line) => JSON.parse(line) as FlagsLine);
}

function exited(gw: GatewayProcess): Promise<void> {
  const { child } = gw;
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

test('the flags are one list: the gateway’s, `npm start`’s and the bench’s; the bin’s shebang is plain `node`', async () => {
  assert.deepEqual(BENCH_NODE_FLAGS, FLAGS);
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string }; bin: Record<string, string> };
  // `exec`: npm's shell is replaced by node, so npm's SIGTERM reaches the gateway.
  assert.equal(pkg.scripts.start, `exec node ${FLAGS.join(' ')} dist/cli.js`);
  assert.deepEqual(pkg.bin, { 'ai-gateway': 'dist/cli.js' });
  const built = await readFile(CLI, 'utf8');
  assert.equal(built.split('\n')[0], '#!/usr/bin/env node');
});

test('`node dist/cli.js` applies the flags itself: no optimising WebAssembly tier, a young generation within 2 × 4 MB', async () => {
  const sim = await startOpenAISimulator({ apiKey: 'test-openai-key-flags' });
  const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-flags-'));
  const heapFile = join(dir, 'heap.json');
  const gw = await startGateway({
    config: `providers:\n  openai: { base-url: "${sim.url}" }\nrouters:\n  r: { load-balance: { chat: { strategy: latency, providers: [openai] } } }\n`,
    env: { OPENAI_API_KEY: 'test-openai-key-flags', NODE_OPTIONS: `--import ${PROBE}`, HEAP_SPACES_FILE: heapFile },
    // A tracing flag only: it makes V8 name the tier of every WebAssembly function it compiles.
    command: { file: process.execPath, args: ['--trace-wasm-compilation-times', CLI] },
    args: ['-v'],
  });
  try {
    assert.deepEqual(flagLines(gw).map((l) => l.nodeFlags), [{ commandLine: [], atStartup: FLAGS }]);
    const body = (stream: boolean): string => JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
    for (let round = 0; round < 40; round++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await fetch(`${gw.url}/router/r/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i % 2 === 0) });
          assert.equal(res.status, 200);
          await res.arrayBuffer();
        }),
      );
    }
    await gw.stop();
    assert.ok(/Compiled function .* using Liftoff/.test(gw.output()), 'the trace names the tier');
    assert.ok(!/using TurboFan/.test(gw.output()), 'V8 compiled WebAssembly with its optimising tier');
    const { maxNewSpace } = JSON.parse(await readFile(heapFile, 'utf8')) as { maxNewSpace: number };
    assert.ok(maxNewSpace > 0 && maxNewSpace <= 8 * 1024 * 1024, `young generation reached ${maxNewSpace / 1048576} MB`);
  } finally {
    await gw.stop();
    await sim.close();
  }
});

test('the installed bin (a symlink to dist/cli.js run through its shebang) applies the flags too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-bin-'));
  await mkdir(join(dir, '.bin'));
  const bin = join(dir, '.bin', 'ai-gateway');
  await symlink(CLI, bin);
  await chmod(CLI, 0o755); // what npm does to a bin on install
  const gw = await startGateway({ command: { file: bin, args: [] }, args: ['-v'] });
  try {
    assert.deepEqual(flagLines(gw).map((l) => l.nodeFlags), [{ commandLine: [], atStartup: FLAGS }]);
    assert.equal((await fetch(`${gw.url}/health`)).status, 200);
  } finally {
    await gw.stop();
  }
});

test('`npm start` passes the flags on the command line, and SIGTERM to npm stops the gateway', async () => {
  const gw = await startGateway({
    command: { file: 'npm', args: ['--prefix', ROOT, '--silent', 'start', '--'] },
    env: { npm_config_update_notifier: 'false' },
    args: ['-v'],
  });
  let gatewayPid = 0;
  try {
    const lines = flagLines(gw);
    assert.deepEqual(lines.map((l) => l.nodeFlags), [{ commandLine: FLAGS, atStartup: [] }]);
    gatewayPid = lines[0]!.pid;
    assert.equal((await fetch(`${gw.url}/health`)).status, 200);
    await sigtermToNpm(gw, gatewayPid);
    assert.match(gw.output(), /shutting down: 0 requests in flight/);
  } finally {
    if (gatewayPid && isAlive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
    await gw.stop();
  }
});

test('`npx` / `npm exec`: SIGTERM to npm ends its shell, and the gateway, its parent gone, stops too', async () => {
  const gw = await startGateway({
    command: { file: 'npm', args: ['exec', '--yes', '--prefer-offline', '--package', ROOT, '--', 'ai-gateway'] },
    env: { npm_config_update_notifier: 'false' },
    args: ['-v'],
  });
  let gatewayPid = 0;
  try {
    gatewayPid = flagLines(gw)[0]!.pid;
    assert.notEqual(gatewayPid, gw.child.pid);
    await sigtermToNpm(gw, gatewayPid);
  } finally {
    if (gatewayPid && isAlive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
    await gw.stop();
  }
});

test('Ctrl-C on `npm start` (SIGINT to the whole process group, then npm forwards it) is one signal: the stream in flight finishes', async () => {
  const up = await startSlowUpstream({ events: 6, gapMs: 200 });
  const gw = await startGateway({
    config: `providers:\n  openai: { base-url: "${up.url}" }\nrouters:\n  r: { load-balance: { chat: { strategy: latency, providers: [openai] } } }\n`,
    command: { file: 'npm', args: ['--prefix', ROOT, '--silent', 'start', '--'], detached: true },
    env: { npm_config_update_notifier: 'false', OPENAI_API_KEY: 'test-openai-key-ctrl-c' },
  });
  try {
    const res = await fetch(`${gw.url}/router/r/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = res.text();
    await new Promise((r) => setTimeout(r, 100));
    process.kill(-(gw.child.pid as number), 'SIGINT');
    assert.match(await text, /w5 [\s\S]*data: \[DONE\]/);
    await exited(gw);
    assert.match(gw.output(), /shutting down: 1 requests in flight/);
    assert.doesNotMatch(gw.output(), /second signal/);
  } finally {
    await gw.stop();
    await up.close();
  }
});

test('cluster workers are started with the flags on their command line', async () => {
  const gw = await startGateway({ args: ['-v', '--workers', '2'] });
  try {
    const lines = flagLines(gw);
    const primary = lines.find((l) => l.pid === gw.child.pid);
    const workers = lines.filter((l) => l.pid !== gw.child.pid);
    assert.deepEqual(primary?.nodeFlags, { commandLine: [], atStartup: FLAGS });
    assert.equal(workers.length, 2);
    for (const w of workers) assert.deepEqual(w.nodeFlags, { commandLine: FLAGS, atStartup: [] });
  } finally {
    await gw.stop();
  }
});

/** SIGTERM to npm; then the gateway (`gatewayPid`, below npm) must be gone and its port closed. */
async function sigtermToNpm(gw: GatewayProcess, gatewayPid: number): Promise<void> {
  gw.child.kill('SIGTERM');
  await exited(gw);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && isAlive(gatewayPid)) await new Promise((r) => setTimeout(r, 50));
  assert.equal(isAlive(gatewayPid), false, 'the gateway process ended with npm');
  await assert.rejects(fetch(`${gw.url}/health`), 'nothing listens any more');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
