/**
 * Keys never travel back: a provider that echoes the gateway's key in every way it can (error
 * bodies, headers, success bodies, SSE content and error events; whole or 16-character pieces;
 * raw, percent-encoded or with JSON's `\/`; in one write, split inside the key across two
 * writes, or a few bytes at a time) — and over every route (router chat streamed and not,
 * piped for OpenAI and translated for Anthropic, embeddings, passthrough) no run of 16
 * characters of a key reaches the client, in the status line, headers or body. Bodies keep a
 * correct content-length. The client accepts gzip (the simulator compresses when allowed), so a
 * compressed passthrough body cannot slip a key past the check.
 *
 * Run against the real gateway process (dist/cli.js) and against `src` in this process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { gatewayWithSimulator, openaiAndAnthropicAt } from '../helpers/gateway-with-simulator.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { FAULTS, startEchoingFaultSimulator, type EchoingFaultSimulator } from '../simulators/echoing-fault.js';

const OPENAI_KEY = 'test-openai-fake-key-Qm4Xr7Tz2Lp9Wv5Nb8Kc3Hd6Jf1Gs0Ya7Ue4Io2Ph9Ol5Ik3Mj8Nh6Bg1Vf';
const ANTHROPIC_KEY = 'test-anthropic-fake-key-Zq9Wx8Ec7Rv6Tb5Yn4Um3Ik2Ol1Pz0Aq9Sw8De7Fr6Gt5Hy4Uj3Ki2Lo1Mn0Bv9Cx8Za7-ZyXwVuAA';
const KEYS = [OPENAI_KEY, ANTHROPIC_KEY];
const ENV = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };

/** No ejection: every fault must reach the simulator, however many errors it returns. */
const config = (simUrl: string): string => openaiAndAnthropicAt(simUrl, 'discover:\n  monitor:\n    health: { ratio: 1.0 }\n');

interface Route {
  name: string;
  path: string;
  body(n: number): unknown;
}

const ask = (n: number): { role: 'user'; content: string }[] => [{ role: 'user', content: `case ${n}` }];

/** Seven routes (coprime with the 216 faults, so each fault meets different routes). */
const ROUTES: Route[] = [
  { name: 'router openai (piped JSON)', path: '/router/oa/chat/completions', body: (n) => ({ model: 'gpt-4o-mini', messages: ask(n) }) },
  { name: 'router openai stream (piped SSE)', path: '/router/oa/chat/completions', body: (n) => ({ model: 'gpt-4o-mini', messages: ask(n), stream: true }) },
  { name: 'router anthropic (parsed)', path: '/router/an/chat/completions', body: (n) => ({ model: 'claude-haiku-4-5', messages: ask(n) }) },
  { name: 'router anthropic stream (translated)', path: '/router/an/chat/completions', body: (n) => ({ model: 'claude-haiku-4-5', messages: ask(n), stream: true }) },
  { name: 'router embeddings', path: '/router/oa/embeddings', body: (n) => ({ model: 'text-embedding-3-small', input: `case ${n}` }) },
  { name: 'passthrough openai', path: '/openai/v1/chat/completions', body: (n) => ({ model: 'gpt-4o-mini', messages: ask(n), stream: n % 2 === 0 }) },
  { name: 'passthrough anthropic', path: '/anthropic/v1/messages', body: (n) => ({ model: 'claude-haiku-4-5', max_tokens: 16, messages: ask(n), stream: n % 2 === 0 }) },
];

interface Received {
  status: number;
  head: string;
  contentLength: string | undefined;
  rawLength: number;
  body: Buffer;
}

function post(base: string, path: string, body: unknown): Promise<Received> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: 'Bearer client-key', 'accept-encoding': 'gzip', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            head: `${res.statusCode} ${res.statusMessage}\n${res.rawHeaders.join('\n')}`,
            contentLength: res.headers['content-length'],
            rawLength: raw.length,
            // What the client's decoder would hand to the application.
            body: res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every run of 16 characters of a key found in `text`, also after undoing `\/` and percent-encoding. */
function leaks(text: string): string[] {
  const unescaped = text.replaceAll('\\/', '/');
  const decoded = unescaped.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const found: string[] = [];
  for (const key of KEYS) {
    for (let i = 0; i + 16 <= key.length; i++) {
      const run = key.slice(i, i + 16);
      if (text.includes(run) || unescaped.includes(run) || decoded.includes(run)) found.push(run);
    }
  }
  return found;
}

/** Runs cases first..last (step `step`) one after another; returns how many were checked. */
async function runCases(base: string, count: number, step: number): Promise<number> {
  let checked = 0;
  for (let n = 0; n < count; n += step) {
    const route = ROUTES[n % ROUTES.length]!;
    const fault = FAULTS[n % FAULTS.length]!;
    const got = await post(base, route.path, route.body(n));
    const what = `case ${n}: ${route.name}, ${fault.place}/${fault.piece}/${fault.spelling}/${fault.writes} → ${got.status}`;
    assert.deepEqual(leaks(got.head), [], `${what}: key in the headers\n${got.head}`);
    assert.deepEqual(leaks(got.body.toString('latin1')), [], `${what}: key in the body\n${got.body.toString()}`);
    if (got.contentLength !== undefined) assert.equal(Number(got.contentLength), got.rawLength, `${what}: content-length`);
    assert.ok(!got.body.toString().includes('internal error'), `${what}: ${got.body.toString()}`);
    checked++;
  }
  return checked;
}

/** 3 × 216 faults, each route 92 or 93 times. */
const CASES = FAULTS.length * 3;

describe('the real gateway process', () => {
  const ctx = gatewayWithSimulator(startEchoingFaultSimulator, (sim) => config(sim.url), ENV);

  test(`${CASES} echoing fault responses over every route: no run of 16 key characters gets out`, async () => {
    const { sim, gw } = ctx;
    const served = sim.served;
    assert.equal(await runCases(gw.url, CASES, 1), CASES);
    assert.ok(sim.served - served >= 500, `served ${sim.served - served}`);
    assert.deepEqual(leaks(gw.output()), [], 'nor in the logs');
  });

  test('with the official client: an echoed key in an error message arrives redacted, with its fingerprint', async () => {
    // Case 0 is an error JSON carrying the whole key in one write.
    assert.deepEqual(FAULTS[0], { place: 'error-json', piece: 'whole', spelling: 'raw', writes: 'one' });
    const client = new OpenAI({ baseURL: `${ctx.gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask(0) }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.match(err.message, /\[redacted \*+\.\.\.6Bg1Vf\]|\[redacted \*+\.\.\.g1Vf\]/);
    assert.deepEqual(leaks(err.message), []);
  });
});

describe('the gateway from src, in process', () => {
  let sim: EchoingFaultSimulator;
  let gw: InProcessGateway;

  before(async () => {
    sim = await startEchoingFaultSimulator();
    gw = await startInProcess({ config: config(sim.url), env: ENV });
  });

  after(async () => {
    await gw?.close();
    await sim?.close();
  });

  test('every fifth case of the same matrix (every fault kind, every route): nothing gets out', async () => {
    assert.equal(await runCases(gw.url, CASES, 5), Math.ceil(CASES / 5));
  });
});
