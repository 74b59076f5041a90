/**
 * `--workers N`: N processes share the port; a crashed worker is replaced, with backoff, until
 * workers keep dying; a port in use stops everything with the single-process message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFile, readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { baseEnv, CLI, startGateway } from '../helpers/gateway.js';
import { startOpenAISimulator } from '../simulators/openai.js';

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (after the parenthesised name) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

test('two workers serve one port; a killed worker is replaced', async () => {
  const sim = await startOpenAISimulator({ apiKey: 'test-openai-key-workers' });
  const gw = await startGateway({
    config: `providers:\n  openai: { base-url: "${sim.url}" }\nrouters:\n  r: { load-balance: { chat: { strategy: latency, providers: [openai] } } }\n`,
    env: { OPENAI_API_KEY: 'test-openai-key-workers' },
    args: ['--workers', '2'],
  });
  try {
    assert.match(gw.output(), /"workers":2/);
    const pid = gw.child.pid as number;
    const workers = await childrenOf(pid);
    assert.equal(workers.length, 2);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${gw.url}/router/r/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
        }).then((r) => r.status),
      ),
    );
    assert.ok(results.every((s) => s === 200));
    process.kill(workers[0], 'SIGKILL');
    const deadline = Date.now() + 5000;
    let now = await childrenOf(pid);
    while ((now.length !== 2 || now.includes(workers[0])) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = await childrenOf(pid);
    }
    assert.equal(now.length, 2);
    assert.ok(!now.includes(workers[0]));
    assert.equal((await fetch(`${gw.url}/health`)).status, 200);
    // Shutdown with a replaced worker: every worker drains at once, the primary exits 0.
    const began = performance.now();
    const exit = new Promise<number | null>((resolve) => gw.child.once('exit', resolve));
    gw.child.kill('SIGTERM');
    assert.equal(await exit, 0);
    assert.ok(performance.now() - began < 5000, `shutdown took ${performance.now() - began} ms`);
  } finally {
    await gw.stop();
    await sim.close();
  }
});

/** Runs the CLI until it exits (or `limitMs` passes: then it is killed and `code` is null). */
function runFor(args: string[], limitMs: number, onSpawn?: (pid: number) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    onSpawn?.(child.pid as number);
  });
}

test('a port in use: exit 1 with the same message as one worker, once, not a restart loop', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, resolve));
  const port = String((holder.address() as AddressInfo).port);
  try {
    const single = await runFor(['--port', port], 10_000);
    assert.equal(single.code, 1);
    const message = single.stderr.trim();
    assert.match(message, new RegExp(`^cannot listen on 0\\.0\\.0\\.0:${port}: address already in use \\(EADDRINUSE\\)$`));
    const started = performance.now();
    const several = await runFor(['--port', port, '--workers', '3'], 10_000);
    assert.equal(several.code, 1, several.stdout + several.stderr);
    assert.equal(several.stderr.trim(), message);
    assert.ok(performance.now() - started < 8000);
    assert.doesNotMatch(several.stdout, /starting a new one/);
  } finally {
    holder.close();
  }
});

test('a worker that keeps dying is restarted with a growing backoff, then the primary gives up (exit 1)', async () => {
  let killing = true;
  let primary = 0;
  const killer = (async () => {
    while (killing) {
      if (primary) for (const pid of await childrenOf(primary)) process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const res = await runFor(['--port', '0', '--workers', '2'], 30_000, (pid) => (primary = pid));
  killing = false;
  await killer;
  assert.equal(res.code, 1, res.stdout + res.stderr);
  const lines = res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; restartInMs?: number });
  const delays = lines.filter((l) => l.restartInMs !== undefined).map((l) => l.restartInMs);
  assert.deepEqual(delays, [250, 500, 1000, 2000]);
  assert.match(lines.at(-1)?.msg ?? '', /workers keep dying: 5 died within 10s of starting in the last minute; giving up/);
});
