/**
 * Vertex AI through the gateway with the official openai client: Gemini and Claude models, chat,
 * streams, tool calls and embeddings on `/ai` and a router, OAuth tokens from a service-account
 * key exchanged at the simulator's token endpoint (cached, shared, refreshed before expiry),
 * token failures as clear errors — in process against src, and once end to end against dist
 * with the token exchange going through HTTPS_PROXY.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { listenLocally } from '../helpers/listen.js';
import { ECHO_TOKEN_MODEL, startVertexSimulator, type VertexSimulator } from '../simulators/vertex.js';

const PROJECT = 'gateway-test-project';
const LOCATION = 'europe-west4';
const GEMINI = 'gemini-2.5-flash';
const CLAUDE = 'claude-sonnet-4-5@20250929';
const PROBE = fileURLToPath(new URL('../helpers/loaded-modules-probe.mjs', import.meta.url));

const TOOLS: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

let sim: VertexSimulator;
let dir: string;

const config = (baseUrl: string) => `
providers:
  vertex:
    base-url: "${baseUrl}/"
    project: ${PROJECT}
    location: ${LOCATION}
routers:
  r:
    load-balance:
      chat: { strategy: latency, providers: [vertex] }
`;

before(async () => {
  sim = await startVertexSimulator({ project: PROJECT, location: LOCATION });
  dir = await mkdtemp(join(tmpdir(), 'vertex-int-'));
});

after(async () => {
  await sim?.close();
});

/** Tokens the simulator issued to one service account. */
const issuedTo = (email: string) => sim.tokenRequests.filter((r) => r.issuer === email && 'token' in r.outcome).length;
const emailOf = async (keyFile: string) => (JSON.parse(await readFile(keyFile, 'utf8')) as { client_email: string }).client_email;

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  const toolCalls: Array<{ name?: string; args: string }> = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        toolCalls[call.index] ??= { args: '' };
        if (call.function?.name) toolCalls[call.index].name = call.function.name;
        toolCalls[call.index].args += call.function?.arguments ?? '';
      }
      finish = choice.finish_reason ?? finish;
    }
  }
  return { text, finish, usage, toolCalls };
}

async function inProcess(keyFile: string): Promise<InProcessGateway> {
  return startInProcess({ config: config(sim.url), env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile } });
}

describe('in process', () => {
  let keyFile: string;
  let gw: InProcessGateway;
  let ai: OpenAI;
  let router: OpenAI;

  before(async () => {
    keyFile = await sim.writeServiceAccountKey(dir);
    gw = await inProcess(keyFile);
    ai = new OpenAI({ baseURL: `${gw.url}/ai`, apiKey: 'client', maxRetries: 0 });
    router = new OpenAI({ baseURL: `${gw.url}/router/r`, apiKey: 'client', maxRetries: 0 });
  });

  after(async () => {
    await gw?.close();
  });

  test('Gemini on Vertex: chat and a stream with usage, with the bearer token and the regional model path', async () => {
    const res = await ai.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'hi' }] });
    assert.ok(res.choices[0].message.content);
    assert.equal(res.choices[0].finish_reason, 'stop');
    const sent = sim.requests.at(-1);
    assert.equal(sent?.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${GEMINI}:generateContent`);
    assert.match(String(sent?.headers.authorization), /^Bearer ya29\.sim-/);
    assert.equal(sent?.headers['x-goog-api-key'], undefined);

    const stream = await router.chat.completions.create({ model: GEMINI, messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const got = await collect(stream);
    assert.ok(got.text.length > 0);
    assert.equal(got.finish, 'stop');
    assert.ok(got.usage && got.usage.total_tokens > 0);
    assert.match(sim.requests.at(-1)?.path ?? '', /:streamGenerateContent\?alt=sse$/);
  });

  test('Gemini on Vertex: a streamed tool call', async () => {
    const stream = await ai.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'weather in Paris?' }], tools: TOOLS, stream: true });
    const got = await collect(stream);
    assert.equal(got.finish, 'tool_calls');
    assert.ok(got.toolCalls[0]?.name);
    assert.doesNotThrow(() => JSON.parse(got.toolCalls[0].args));
  });

  test('Claude on Vertex: chat, and a streamed tool call, through rawPredict / streamRawPredict', async () => {
    const res = await router.chat.completions.create({ model: CLAUDE, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    assert.ok(res.choices[0].message.content);
    const sent = sim.requests.at(-1);
    assert.equal(sent?.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/models/${CLAUDE}:rawPredict`);
    assert.equal((sent?.body as { anthropic_version?: string }).anthropic_version, 'vertex-2023-10-16');

    const stream = await ai.chat.completions.create({
      model: `vertex/${CLAUDE}`,
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
      stream_options: { include_usage: true },
    });
    const got = await collect(stream);
    assert.equal(got.toolCalls[0]?.name, 'get_weather');
    assert.doesNotThrow(() => JSON.parse(got.toolCalls[0].args));
    assert.ok(got.usage && got.usage.prompt_tokens > 0);
    assert.match(sim.requests.at(-1)?.path ?? '', /:streamRawPredict$/);
  });

  test('embeddings: a list becomes one :predict call per text, merged in order with token usage', async () => {
    const res = await ai.embeddings.create({ model: 'vertex/gemini-embedding-001', input: ['first text', 'the second text'], dimensions: 4, encoding_format: 'float' });
    assert.equal(res.data.length, 2);
    assert.deepEqual(res.data.map((d) => d.index), [0, 1]);
    assert.equal(res.data[0].embedding.length, 4);
    assert.equal(res.usage.prompt_tokens, 5);
  });

  test('a Vertex error keeps its status and code; Claude has no embeddings', async () => {
    sim.setNext({ kind: 'error', status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute' } } });
    await assert.rejects(ai.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'hi' }] }), (err: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(err.status, 429);
      assert.equal(err.code, 'resource_exhausted');
      assert.match(err.message, /^429 vertex: Quota exceeded/);
      return true;
    });
    await assert.rejects(ai.embeddings.create({ model: `vertex/${CLAUDE}`, input: 'x' }), (err: InstanceType<typeof OpenAI.APIError>) => err.status === 400);
  });

  test('an access token the provider echoes back is scrubbed like a key', async () => {
    const err = await ai.chat.completions.create({ model: `vertex/${ECHO_TOKEN_MODEL}`, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => assert.fail('expected an error'),
      (e: InstanceType<typeof OpenAI.APIError>) => e,
    );
    assert.equal(err.status, 400);
    const issued = sim.tokenRequests.flatMap(({ outcome }) => ('token' in outcome ? [outcome.token] : []));
    assert.ok(issued.length > 0);
    for (const token of issued) assert.ok(!err.message.includes(token.slice(-16)), 'the access token came back to the client');
    assert.match(err.message, /\[redacted/);
  });

  test('passthrough: /vertex/v1/… goes to Vertex with the gateway’s token, never the client’s', async () => {
    const path = `v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${GEMINI}:generateContent`;
    const res = await fetch(`${gw.url}/vertex/${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer client-token', 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { candidates?: unknown[] }).candidates?.length);
    const sent = sim.requests.at(-1);
    assert.equal(sent?.path, `/${path}`);
    assert.match(String(sent?.headers.authorization), /^Bearer ya29\.sim-/);
  });

  test('one token serves many requests; concurrent first requests share one fetch', async () => {
    const fresh = await sim.writeServiceAccountKey(dir);
    const email = await emailOf(fresh);
    const other = await inProcess(fresh);
    try {
      const client = new OpenAI({ baseURL: `${other.url}/ai`, apiKey: 'client', maxRetries: 0 });
      const ask = () => client.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'hi' }] });
      await Promise.all([ask(), ask(), ask(), ask(), ask()]);
      await ask();
      assert.equal(issuedTo(email), 1);
    } finally {
      await other.close();
    }
  });

  test('short-lived tokens are refreshed before they expire: no request is ever sent with an expired token', async () => {
    const fresh = await sim.writeServiceAccountKey(dir);
    const email = await emailOf(fresh);
    const other = await inProcess(fresh);
    sim.setExpiresIn(3);
    try {
      const client = new OpenAI({ baseURL: `${other.url}/ai`, apiKey: 'client', maxRetries: 0 });
      const started = Date.now();
      // ~2.3 token lifetimes; the simulator answers 401 to any expired token.
      while (Date.now() - started < 7_000) {
        const res = await client.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'hi' }] });
        assert.ok(res.choices[0].message.content);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(issuedTo(email) >= 3, `expected refreshes, got ${issuedTo(email)} tokens`);
    } finally {
      sim.setExpiresIn(3600);
      await other.close();
    }
  });

  test('a refused token exchange is a 401 naming the key file (never its contents); the gateway recovers', async () => {
    const fresh = await sim.writeServiceAccountKey(dir);
    const other = await inProcess(fresh);
    try {
      const client = new OpenAI({ baseURL: `${other.url}/ai`, apiKey: 'client', maxRetries: 0 });
      sim.setNextToken({ kind: 'error', status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
      await assert.rejects(client.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'hi' }] }), (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 401);
        assert.equal(err.code, 'provider_credentials_rejected');
        assert.ok(err.message.includes(fresh), err.message);
        assert.ok(!err.message.includes('PRIVATE KEY'));
        return true;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const res = await client.chat.completions.create({ model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(res.choices[0].message.content);
      assert.ok(!other.logs().includes('PRIVATE KEY'));
    } finally {
      await other.close();
    }
  });

  test('an unreachable token endpoint is a 502', async () => {
    const unreachable = await sim.writeServiceAccountKey(dir, { tokenUri: 'http://127.0.0.1:9/token' });
    const other = await inProcess(unreachable);
    try {
      const client = new OpenAI({ baseURL: `${other.url}/router/r`, apiKey: 'client', maxRetries: 0 });
      await assert.rejects(client.chat.completions.create({ model: GEMINI, messages: [{ role: 'user', content: 'hi' }] }), (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 502);
        assert.equal(err.code, 'provider_token_unavailable');
        return true;
      });
    } finally {
      await other.close();
    }
  });
});

/** A CONNECT proxy that records the targets it tunnels to. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const server: Server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client) => {
    const target = req.url ?? '';
    targets.push(target);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const listening = await listenLocally(server);
  return { url: `http://127.0.0.1:${listening.port}`, targets, close: listening.close };
}

describe('built gateway', () => {
  test('end to end: startup line, chat and stream on Vertex, the token exchanged through HTTPS_PROXY, google-auth-library loaded only for Vertex', async () => {
    const keyFile = await sim.writeServiceAccountKey(dir);
    const proxy = await startConnectProxy();
    let gw: GatewayProcess | undefined;
    try {
      gw = await startGateway({
        config: config(sim.url),
        env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile, HTTPS_PROXY: proxy.url, NODE_OPTIONS: `--import ${PROBE}`, LOADED_MODULES_FILE: 'loaded-modules.txt' },
      });
      assert.match(gw.output(), /vertex\s+OAuth tokens from the key file in GOOGLE_APPLICATION_CREDENTIALS/);
      const client = new OpenAI({ baseURL: `${gw.url}/router/r`, apiKey: 'client', maxRetries: 0 });
      const res = await client.chat.completions.create({ model: CLAUDE, messages: [{ role: 'user', content: 'hi' }] });
      assert.ok(res.choices[0].message.content);
      const got = await collect(await client.chat.completions.create({ model: GEMINI, messages: [{ role: 'user', content: 'hi' }], stream: true }));
      assert.equal(got.finish, 'stop');
      assert.deepEqual(proxy.targets, [new URL(sim.url).host], 'one token exchange, through the proxy');
      await gw.stop();
      const modules = await readFile(join(gw.dir, 'loaded-modules.txt'), 'utf8');
      assert.ok(modules.includes('google-auth-library'));
      assert.ok(!gw.output().includes('PRIVATE KEY'));
      for (const { outcome } of sim.tokenRequests) if ('token' in outcome) assert.ok(!gw.output().includes(outcome.token), 'an access token was printed');
    } finally {
      await gw?.stop();
      await proxy.close();
    }
  });

  test('a gateway with Vertex credentials that serves no Vertex request never loads google-auth-library', async () => {
    const keyFile = await sim.writeServiceAccountKey(dir);
    const gw = await startGateway({
      config: config(sim.url),
      env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile, NODE_OPTIONS: `--import ${PROBE}`, LOADED_MODULES_FILE: 'loaded-modules.txt' },
    });
    try {
      assert.equal((await fetch(`${gw.url}/health`)).status, 200);
      await gw.stop();
      const modules = await readFile(join(gw.dir, 'loaded-modules.txt'), 'utf8');
      assert.ok(!modules.includes('google-auth-library'));
    } finally {
      await gw.stop();
    }
  });
});
