/**
 * `/metrics` through dist: prom-client is loaded at the first scrape, not at startup; with
 * `--workers 2`, requests served by both workers, and one scrape — on whichever worker it lands
 * — reports all of them (the primary sums the workers' numbers).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { childPids } from '../helpers/child-pids.js';
import { startGateway } from '../helpers/gateway.js';
import { parseSamples, total } from '../helpers/prometheus-text.js';
import { startOpenAISimulator } from '../simulators/openai.js';

const KEY = 'test-openai-key-workers-metrics-0123456789';
const PROBE = fileURLToPath(new URL('../helpers/requests-per-process-probe.mjs', import.meta.url));
const MODULES_PROBE = fileURLToPath(new URL('../helpers/loaded-modules-probe.mjs', import.meta.url));
const CONFIG = (url: string): string => `providers:\n  openai: { base-url: "${url}", models: [gpt-4o-mini] }\nrouters:\n  r: { load-balance: { chat: { strategy: latency, providers: [openai] } } }\n`;
const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

/** One request on a connection of its own, so the primary hands each to the next worker. */
function send(port: number, method: string, path: string, body?: string, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, timeout: timeoutMs, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

test('prom-client is loaded at the first scrape, not before: requests are counted without it', async () => {
  const sim = await startOpenAISimulator({ apiKey: KEY });
  const loaded = async (scrape: boolean): Promise<string[]> => {
    const gw = await startGateway({ config: CONFIG(sim.url), env: { OPENAI_API_KEY: KEY, NODE_OPTIONS: `--import ${MODULES_PROBE}`, LOADED_MODULES_FILE: 'loaded-modules.txt' } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await send(gw.port, 'POST', '/router/r/chat/completions', BODY)).status, 200);
      if (scrape) {
        const page = await send(gw.port, 'GET', '/metrics');
        assert.equal(total(parseSamples(page.text), 'ai_gateway_requests_total', { router: 'r' }), 3, 'the requests before the first scrape are counted');
      }
    } finally {
      await gw.stop();
    }
    return (await readFile(join(gw.dir, 'loaded-modules.txt'), 'utf8')).split('\n');
  };
  try {
    const unscraped = await loaded(false);
    assert.ok(unscraped.some((m) => m.includes('/undici/')), 'the probe sees the modules (so it works)');
    assert.ok(!unscraped.some((m) => m.includes('/prom-client/')), 'no prom-client without a scrape');
    assert.ok((await loaded(true)).some((m) => m.includes('/prom-client/')), 'prom-client once scraped');
  } finally {
    await sim.close();
  }
});

test('--workers 2: one scrape on any worker counts the requests of both', async () => {
  const sim = await startOpenAISimulator({ apiKey: KEY });
  const gw = await startGateway({
    config: CONFIG(sim.url),
    env: { OPENAI_API_KEY: KEY, NODE_OPTIONS: `--import ${PROBE}`, REQUESTS_PER_PROCESS_DIR: '.', REQUESTS_PER_PROCESS_MATCH: '/chat/completions' },
    args: ['--workers', '2'],
  });
  try {
    const N = 12;
    for (let i = 0; i < N; i++) assert.equal((await send(gw.port, 'POST', '/router/r/chat/completions', BODY)).status, 200);
    // Each scrape is a new connection, so they land on both workers; every one sees all N.
    for (let i = 0; i < 4; i++) {
      const page = await send(gw.port, 'GET', '/metrics');
      assert.equal(page.status, 200, page.text);
      const samples = parseSamples(page.text);
      assert.equal(total(samples, 'ai_gateway_requests_total', { router: 'r', provider: 'openai', model: 'gpt-4o-mini', status: '200', outcome: 'ok' }), N, `scrape ${i}`);
      assert.equal(total(samples, 'ai_gateway_request_duration_seconds_count', { router: 'r' }), N);
      assert.equal(total(samples, 'ai_gateway_provider_key_requests_total', { provider: 'openai', key: `…${KEY.slice(-4)}` }), N);
      assert.equal(total(samples, 'ai_gateway_provider_healthy', { provider: 'openai' }), 1, 'health is the minimum over the workers, not their sum');
      assert.ok(total(samples, 'ai_gateway_process_resident_memory_bytes') > 0);
    }

    // A worker that does not answer (stopped) fails the scrape with a 503 after the primary's
    // wait, rather than a page whose counters went backwards.
    const workers = await childPids(gw.child.pid as number);
    assert.equal(workers.length, 2);
    process.kill(workers[0], 'SIGSTOP');
    try {
      // Two new connections: one of them reaches the worker still running.
      const started = Date.now();
      const scrapes = [0, 1].map(() => send(gw.port, 'GET', '/metrics', undefined, 8_000).catch((err: Error) => ({ status: 0, text: err.message })));
      const answered = await Promise.race(scrapes);
      assert.equal(answered.status, 503, answered.text);
      assert.match(answered.text, /metrics_unavailable/);
      assert.match(answered.text, /did not send their metrics within 3s/);
      const waited = Date.now() - started;
      assert.ok(waited >= 2_900 && waited < 5_000, `answered after ${waited} ms`);
    } finally {
      process.kill(workers[0], 'SIGCONT');
    }
    const again = await send(gw.port, 'GET', '/metrics');
    assert.equal(again.status, 200, again.text);
  } finally {
    await gw.stop();
    await sim.close();
  }
  // The probe's counts, written as each worker exited: both workers served some of the N.
  const files = (await readdir(gw.dir)).filter((f) => /^requests-\d+\.txt$/.test(f));
  const counts = await Promise.all(files.map(async (f) => Number(await readFile(join(gw.dir, f), 'utf8'))));
  assert.equal(counts.length, 2, `one count per worker: ${files.join(', ')}`);
  assert.ok(counts.every((c) => c > 0), `both workers served requests: ${counts.join(' + ')}`);
  assert.equal(counts.reduce((a, b) => a + b, 0), 12);
});
