/** `--workers N`: N processes share the port, and a crashed worker is replaced. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { startGateway } from '../helpers/gateway.js';
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
  } finally {
    await gw.stop();
    await sim.close();
  }
});
