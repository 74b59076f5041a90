/**
 * `server.tls`: the gateway serves HTTPS with a certificate and key from files — Helicone's
 * spelling (`{Enabled: {cert, key}}`, `Disabled`) and the plain `{cert, key}`. The certificate
 * is made here with openssl, self-signed for 127.0.0.1.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, CLI, startGateway } from '../helpers/gateway.js';
import { startInProcess } from '../helpers/in-process.js';
import { parseConfigText } from '../../src/config/load.js';
import { startFloodUpstream } from '../helpers/flood-upstream.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-0000-secret-abcd';
let dir: string;
let cert: string;
let key: string;
let sim: OpenAISimulator;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-gateway-tls-'));
  cert = join(dir, 'cert.pem');
  key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  sim = await startOpenAISimulator({ apiKey: OPENAI_KEY });
});

after(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(port: number, path: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', ca: readFileSync(cert), headers: init.body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('server.tls', () => {
  test('{cert, key}: the gateway process serves HTTPS, chat included, and says so', async () => {
    const gw = await startGateway({
      config: `
server:
  tls:
    cert: "${cert}"
    key: "${key}"
providers:
  openai:
    base-url: "${sim.url}"
routers:
  r:
    load-balance:
      chat:
        strategy: latency
        providers: [openai]
`,
      env: { OPENAI_API_KEY: OPENAI_KEY },
    });
    try {
      assert.match(gw.output(), /listening on https:\/\//);
      assert.doesNotMatch(gw.output(), /server\.tls.*not acted on/);
      assert.equal((await get(gw.port, '/health')).status, 200);
      const chat = await get(gw.port, '/router/r/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
      assert.equal(chat.status, 200, chat.body);
      assert.match(chat.body, /Hello from the simulator/);
      // Plain HTTP on the TLS port gets nothing useful.
      await assert.rejects(fetch(`http://127.0.0.1:${gw.port}/health`));
    } finally {
      await gw.stop();
    }
  });

  test("Helicone's {Enabled: {cert, key}} serves HTTPS; Disabled serves HTTP", async () => {
    const enabled = await startInProcess({ config: `server:\n  tls:\n    Enabled:\n      cert: "${cert}"\n      key: "${key}"\n` });
    const disabled = await startInProcess({ config: 'server:\n  tls: Disabled\n' });
    try {
      assert.equal((await get(enabled.port, '/health')).status, 200);
      assert.equal((await fetch(`${disabled.url}/health`)).status, 200);
    } finally {
      await enabled.close();
      await disabled.close();
    }
  });

  test('over TLS too, a client that stops reading is dropped after the write-stall timeout', async () => {
    const flood = await startFloodUpstream();
    const gw = await startInProcess({
      config: `server:\n  write-stall-timeout: 1s\n  tls:\n    cert: "${cert}"\n    key: "${key}"\nproviders:\n  flood:\n    base-url: "${flood.url}"\n`,
      env: { FLOOD_API_KEY: 'flood-key' },
    });
    try {
      const socket = tlsConnect({ host: '127.0.0.1', port: gw.port, ca: readFileSync(cert) });
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      socket.write('GET /flood/flood HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.pause();
      const end = Date.now() + 8000;
      while (flood.floodClosed === 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(flood.floodClosed === 1, 'the stalled response was dropped and its upstream request cancelled');
      socket.destroy();
    } finally {
      await gw.close();
      await flood.close();
    }
  });

  test('a mistyped tls block is a config error that says what is expected', () => {
    for (const [yaml, detail] of [
      ['server:\n  tls:\n    crt: /a\n    key: /b\n', /unknown key "crt"/],
      ['server:\n  tls: Enabled\n', /got "Enabled"/],
      ['server:\n  tls:\n    Enabled:\n      cert: /a\n', /"key" required/],
    ] as const) {
      assert.throws(
        () => parseConfigText(yaml, 'test', {}),
        (err: Error) => /server\.tls: expected \{cert, key\} \(PEM file paths\), \{Enabled: \{cert, key\}\} or "Disabled"/.test(err.message) && detail.test(err.message),
      );
    }
  });

  test('an unreadable certificate stops startup with a message naming the key', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'ai-gateway-tls-bad-'));
    try {
      const path = join(configDir, 'ai-gateway-config.yaml');
      writeFileSync(path, `server:\n  tls:\n    cert: /nonexistent/cert.pem\n    key: "${key}"\n`);
      // A gateway that ignored the file would serve forever: give it 10 s, then stop it.
      const child = spawn(process.execPath, [CLI, '--config', path, '--port', '0'], { cwd: configDir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearTimeout(kill);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /server\.tls\.cert: cannot read "\/nonexistent\/cert\.pem" \(ENOENT\)/);
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  });
});
