/**
 * The gateway's HTTP surface, in process against src: routes that do not exist, methods,
 * what Node's parser refuses, browsers (CORS, content types, DNS rebinding) and passthrough
 * paths that try to leave their provider.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startInProcess, rawRequest, type InProcessGateway } from '../helpers/in-process.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-0000-secret-abcd';

let sim: OpenAISimulator;
let gw: InProcessGateway;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, not fetch: fetch normalises `..` out of URLs before sending them. */
function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}, port = gw.port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

function codeOf(body: string): string | null {
  const parsed = JSON.parse(body) as { error: { message: string; type: string; param: string | null; code: string | null } };
  for (const key of ['message', 'type', 'param', 'code']) assert.ok(key in parsed.error, `error.${key} present`);
  return parsed.error.code;
}

before(async () => {
  sim = await startOpenAISimulator({ apiKey: OPENAI_KEY, pathPrefix: '/prefix/v1' });
  gw = await startInProcess({
    config: `
providers:
  openai:
    base-url: "${sim.url}prefix/v1/"
  prefixed:
    base-url: "${sim.url}prefix/v1/"
routers:
  r:
    load-balance:
      chat:
        strategy: latency
        providers: [openai]
`,
    env: { OPENAI_API_KEY: OPENAI_KEY, PREFIXED_API_KEY: OPENAI_KEY },
  });
});

after(async () => {
  await gw?.close();
  await sim?.close();
});

describe('routes', () => {
  test('an unknown path is 404 not_found, with a provider suggestion for a typo', async () => {
    const res = await send('/no-such-route');
    assert.equal(res.status, 404);
    assert.equal(codeOf(res.body), 'not_found');
    const typo = await send('/opeani/v1/models');
    assert.equal(typo.status, 404);
    assert.match(typo.body, /did you mean the provider \\"openai\\"/i);
  });

  test('405 carries Allow', async () => {
    const get = await send('/router/r/chat/completions');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal(codeOf(get.body), 'method_not_allowed');
    const models = await send('/ai/models', { method: 'DELETE' });
    assert.equal(models.status, 405);
    assert.equal(models.headers.allow, 'GET, HEAD');
    const health = await send('/health', { method: 'POST' });
    assert.equal(health.status, 405);
    assert.equal(health.headers.allow, 'GET, HEAD');
  });
});

describe("what Node's HTTP parser refuses comes back as OpenAI-shaped JSON, and the connection closes", () => {
  const cases: Array<[string, string, number, string]> = [
    ['a header name with a space', 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n', 400, 'malformed_http_request'],
    ['one oversized header', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'request_headers_too_large'],
    ['a flood of small headers', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 3000 }, (_, i) => `h${i}: v`).join('\r\n')}\r\n\r\n`, 431, 'request_headers_too_large'],
    ['Content-Length with Transfer-Encoding', 'POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'malformed_http_request'],
    ['a broken chunk size', 'POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n', 400, 'malformed_http_request'],
    ['not HTTP at all', 'HELLO\r\n\r\n', 400, 'malformed_http_request'],
  ];
  for (const [name, bytes, status, code] of cases) {
    test(name, async () => {
      const res = await rawRequest(gw.port, [bytes]);
      assert.equal(res.status, status, res.text.slice(0, 300));
      assert.equal(res.json?.error?.code, code);
      assert.ok(res.closed, 'the gateway closed the connection');
    });
  }
});

test('good requests running alongside all of these lose nothing', async () => {
  const hostile = Promise.all(
    Array.from({ length: 5 }, () => [
      rawRequest(gw.port, ['GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n']),
      rawRequest(gw.port, [`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]),
      rawRequest(gw.port, ['POST /ai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']),
      send('/prefixed/%2e%2e/admin'),
      send('/router/r/chat/completions', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: chat }),
    ]).flat(),
  );
  const good = await Promise.all(Array.from({ length: 20 }, () => send('/router/r/chat/completions', { method: 'POST', headers: JSON_HEADERS, body: chat })));
  await hostile;
  for (const res of good) assert.equal(res.status, 200, res.body);
});

describe('JSON endpoints require a JSON content type', () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
    test(`${type ?? 'no content type'} → 415, nothing sent upstream`, async () => {
      const before = sim.requests.length;
      const res = await send('/router/r/chat/completions', { method: 'POST', headers: type ? { 'content-type': type } : {}, body: chat });
      assert.equal(res.status, 415);
      assert.equal(codeOf(res.body), 'unsupported_media_type');
      const emb = await send('/ai/embeddings', { method: 'POST', headers: type ? { 'content-type': type } : {}, body: '{"model":"openai/x","input":"a"}' });
      assert.equal(emb.status, 415);
      assert.equal(sim.requests.length, before);
    });
  }

  test('application/json with parameters, in any case, is served', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
      const res = await send('/router/r/chat/completions', { method: 'POST', headers: { 'content-type': type }, body: chat });
      assert.equal(res.status, 200, res.body);
    }
  });
});

describe('browsers, with server.cors off (the default)', () => {
  test('a preflight is refused and carries no CORS headers', async () => {
    const res = await send('/router/r/chat/completions', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(res.status, 403);
    assert.equal(codeOf(res.body), 'origin_not_allowed');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('a passthrough request from a web origin is refused, whatever its content type', async () => {
    const before = sim.requests.length;
    const res = await send('/openai/chat/completions', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: chat });
    assert.equal(res.status, 403);
    assert.equal(codeOf(res.body), 'origin_not_allowed');
    assert.equal(sim.requests.length, before);
  });

  test("a provider's own CORS headers are never relayed", async () => {
    sim.setNext({ status: 404, headers: { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' } });
    const res = await send('/openai/models');
    assert.equal(res.status, 404);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.headers['access-control-allow-headers'], undefined);
  });
});

describe('server.cors on', () => {
  let cors: InProcessGateway;
  before(async () => {
    cors = await startInProcess({
      config: `
server:
  cors:
    origins: ["http://app.example:3000"]
providers:
  openai:
    base-url: "${sim.url}prefix/v1/"
`,
      env: { OPENAI_API_KEY: OPENAI_KEY },
    });
  });
  after(() => cors?.close());

  test('a preflight from a listed origin is answered by the gateway', async () => {
    const before = sim.requests.length;
    const res = await send(
      '/ai/chat/completions',
      { method: 'OPTIONS', headers: { origin: 'http://app.example:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' } },
      cors.port,
    );
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'http://app.example:3000');
    assert.match(String(res.headers['access-control-allow-methods']), /POST/);
    assert.equal(res.headers['access-control-allow-headers'], 'authorization, content-type, x-stainless-os');
    assert.equal(res.headers['access-control-max-age'], '600');
    assert.equal(sim.requests.length, before, 'a preflight never reaches the provider');
  });

  test('responses to a listed origin carry CORS headers, the gateway ones exposed', async () => {
    const res = await send('/ai/chat/completions', { method: 'POST', headers: { ...JSON_HEADERS, origin: 'http://app.example:3000' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) }, cors.port);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['access-control-allow-origin'], 'http://app.example:3000');
    assert.match(String(res.headers['access-control-expose-headers']), /x-request-id/);
    assert.equal(res.headers.vary, 'origin');
    const pass = await send('/openai/models', { headers: { origin: 'http://app.example:3000' } }, cors.port);
    assert.notEqual(pass.status, 403);
    assert.equal(pass.headers['access-control-allow-origin'], 'http://app.example:3000');
  });

  test('another origin is still refused', async () => {
    const res = await send('/ai/chat/completions', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } }, cors.port);
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('DNS rebinding: on a loopback address only loopback Host names are served', () => {
  test('Host: evil.example → 421, nothing sent upstream', async () => {
    const before = sim.requests.length;
    const res = await send('/router/r/chat/completions', { method: 'POST', headers: { ...JSON_HEADERS, host: 'evil.example' }, body: chat });
    assert.equal(res.status, 421);
    assert.equal(codeOf(res.body), 'host_not_allowed');
    const withPort = await send('/ai/models', { headers: { host: `evil.example:${gw.port}` } });
    assert.equal(withPort.status, 421);
    assert.equal(sim.requests.length, before);
  });

  test('loopback names, with or without the port, are served', async () => {
    for (const host of ['localhost', `localhost:${gw.port}`, `127.0.0.1:${gw.port}`, `[::1]:${gw.port}`, `LOCALHOST:${gw.port}`]) {
      const res = await send('/health', { headers: { host } });
      assert.equal(res.status, 200, host);
    }
  });

  test('server.allowed-hosts adds names; a non-loopback address checks nothing', async () => {
    const listed = await startInProcess({ config: 'server:\n  allowed-hosts: [gateway.internal]\n' });
    const open = await startInProcess({ host: '0.0.0.0' });
    try {
      assert.equal((await send('/health', { headers: { host: 'gateway.internal' } }, listed.port)).status, 200);
      assert.equal((await send('/health', { headers: { host: 'evil.example' } }, listed.port)).status, 421);
      assert.equal((await send('/health', { headers: { host: 'evil.example' } }, open.port)).status, 200);
    } finally {
      await listed.close();
      await open.close();
    }
  });
});

describe('passthrough stays inside its provider', () => {
  const escapes = [
    '/prefixed/../../admin',
    '/prefixed/models/../../../admin',
    '/prefixed/%2e%2e/%2e%2e/admin',
    '/prefixed/%2E%2e/admin',
    '/prefixed/.%2E/admin',
    '/prefixed/./models',
    '/prefixed/%2e/models',
    '/prefixed/models%2f..%2f..%2fadmin',
    '/prefixed/models%2F..%2F..%2Fadmin',
    '/prefixed/models%5c..%5cadmin',
    '/prefixed/%252e%252e/admin',
    '/prefixed/%zz/admin',
  ];
  for (const path of escapes) {
    test(`${path} → 400, nothing sent`, async () => {
      const before = sim.requests.length;
      const res = await send(path);
      assert.equal(res.status, 400, res.body);
      assert.equal(codeOf(res.body), 'invalid_path');
      assert.equal(sim.requests.length, before);
    });
  }

  test('ordinary paths, dots inside names included, keep the base-url prefix', async () => {
    await send('/prefixed/models');
    assert.equal(sim.requests.at(-1)?.path, '/prefix/v1/models');
    await send('/prefixed/files/file-abc.jsonl/content');
    assert.equal(sim.requests.at(-1)?.path, '/prefix/v1/files/file-abc.jsonl/content');
  });

  test('client keys in the query are stripped however the name is spelled; other parameters kept byte for byte', async () => {
    for (const query of ['?key=CLIENT', '?%6Bey=CLIENT', '?k%65y=CLIENT', '?KEY=CLIENT', '?api_key=CLIENT', '?api%5Fkey=CLIENT', '?access_token=CLIENT', '?%zz=CLIENT']) {
      await send(`/prefixed/models${query}&alt=sse&q=a%20b`);
      const seen = sim.requests.at(-1)?.path ?? '';
      assert.equal(seen, '/prefix/v1/models?alt=sse&q=a%20b', query);
    }
    await send('/prefixed/models?key=CLIENT');
    assert.equal(sim.requests.at(-1)?.path, '/prefix/v1/models');
  });
});

describe('uploads', () => {
  test('Expect: 100-continue works on the passthrough (curl does this above 1 MiB)', async () => {
    const body = Buffer.from(JSON.stringify({ model: 'text-embedding-3-small', input: 'x'.repeat(2 * 1024 * 1024) }));
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: gw.port, path: '/openai/embeddings', method: 'POST', headers: { ...JSON_HEADERS, 'content-length': body.length, expect: '100-continue' } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    assert.equal(answer.status, 200, answer.body.slice(0, 300));
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.body.length, body.length);
    assert.equal(upstream?.headers.expect, undefined);
  });

  test('large bodies arrive whole, with a declared length or chunked', async () => {
    const big = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'é'.repeat(1_500_000) }] });
    const declared = await send('/router/r/chat/completions', { method: 'POST', headers: JSON_HEADERS, body: big });
    assert.equal(declared.status, 200, declared.body);
    assert.equal(sim.requests.at(-1)?.body, big);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: gw.port, path: '/router/r/chat/completions', method: 'POST', headers: JSON_HEADERS }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      const bytes = Buffer.from(big);
      for (let at = 0; at < bytes.length; at += 100_000) req.write(bytes.subarray(at, at + 100_000));
      req.end();
    });
    assert.equal(chunked, 200);
    assert.equal(sim.requests.at(-1)?.body, big);
  });

  test('a client that aborts its upload is an info line, not an unexpected error', async () => {
    const before = gw.logs().length;
    for (const path of ['/router/r/chat/completions', '/openai/embeddings']) {
      await rawRequest(gw.port, [`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"model":`], { waitMs: 200 });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logs = gw.logs().slice(before);
    assert.doesNotMatch(logs, /unexpected error/);
    assert.doesNotMatch(logs, /"level":50/);
    const lines = logs.split('\n').filter((l) => l.includes('client closed the connection while sending its request body'));
    assert.equal(lines.length, 2, logs);
  });
});
