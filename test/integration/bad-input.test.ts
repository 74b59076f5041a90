/**
 * The bad-request corpus (test/fixtures/bad-requests.ts) against every provider family through
 * a router: each malformed body is a 400 in OpenAI's shape whose `param` names the field,
 * nothing reaches a provider, nothing is logged as an unexpected error, and a stream of good
 * streaming requests running at the same time loses nothing. In process against `src`, and once
 * end to end against `dist/cli.js`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import OpenAI from 'openai';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway } from '../../src/config/compile.js';
import { createGateway } from '../../src/server/gateway.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { createLogging } from '../../src/observability/logger.js';
import { CHAT_PARAMETERS } from '../../src/ingress/openai-chat/check-chat-request.js';
import { BAD_REQUESTS, type BadRequest } from '../fixtures/bad-requests.js';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { startAnthropicSimulator } from '../simulators/anthropic.js';
import { startBedrockSimulator } from '../simulators/bedrock.js';
import { startGeminiSimulator } from '../simulators/gemini.js';
import { startMistralSimulator } from '../simulators/mistral.js';
import { startOllamaSimulator } from '../simulators/ollama.js';
import { startOpenAISimulator } from '../simulators/openai.js';

const KEYS = {
  OPENAI_API_KEY: 'test-openai-key-bad-input-1111',
  ANTHROPIC_API_KEY: 'test-anthropic-key-bad-input-2222',
  GEMINI_API_KEY: 'test-gemini-key-bad-input-3333',
  MISTRAL_API_KEY: 'test-mistral-key-bad-input-4444',
  AWS_ACCESS_KEY_ID: 'test-access-key-id-bad-5555',
  AWS_SECRET_ACCESS_KEY: 'test-aws-secret-bad-input-6666',
  AWS_REGION: 'us-west-2',
};

/** Each family with a model its router sends (chat; embeddings use the same name). */
const FAMILIES = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.5-flash',
  bedrock: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  mistral: 'mistral-small-latest',
  ollama: 'llama3.2',
} as const;
type Family = keyof typeof FAMILIES;
const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];

/** Good requests carry this word, so the simulators' logs tell them from corpus requests. */
const GOOD_MARKER = 'good-request-marker';

interface Recorder {
  requests: Array<{ body: unknown }>;
  close(): Promise<void>;
}
let sims: Record<Family, Recorder & { url: string }>;

function configYaml(): string {
  let yaml = 'providers:\n';
  for (const name of FAMILY_NAMES) yaml += `  ${name}: { base-url: "${sims[name].url}${name === 'gemini' ? '/' : ''}" }\n`;
  yaml += 'routers:\n';
  for (const name of FAMILY_NAMES) {
    yaml += `  r-${name}:\n    load-balance:\n      chat:\n        strategy: weighted\n        providers: [{ provider: ${name}, weight: 1 }]\n`;
  }
  return yaml;
}

/** Requests that reached a provider and were not good ones. */
function corpusRequestsUpstream(): number {
  let n = 0;
  for (const name of FAMILY_NAMES) for (const r of sims[name].requests) if (!JSON.stringify(r.body).includes(GOOD_MARKER)) n++;
  return n;
}

function matches(expected: BadRequest['param'], actual: unknown): boolean {
  if (expected === null) return actual === null;
  if (typeof expected === 'string') return actual === expected;
  return typeof actual === 'string' && expected.test(actual);
}

/** Sends every case to every family's router; returns the failures (empty when all is well). */
async function runCorpus(base: string): Promise<string[]> {
  const failures: string[] = [];
  for (const family of FAMILY_NAMES) {
    for (const c of BAD_REQUESTS) {
      const res = await fetch(`${base}/router/r-${family}/${c.endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: c.body(FAMILIES[family]),
      });
      const text = await res.text();
      let error: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } | undefined;
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error;
      } catch {
        // Reported below.
      }
      const ok =
        res.status === 400 &&
        res.headers.get('content-type') === 'application/json' &&
        error !== undefined &&
        typeof error.message === 'string' &&
        error.type === 'invalid_request_error' &&
        typeof error.code === 'string' &&
        matches(c.param, error.param);
      if (!ok) failures.push(`${family} · ${c.name}: ${res.status} ${text.slice(0, 300)} (expected param ${String(c.param)})`);
    }
  }
  return failures;
}

/** Good streaming requests, round robin over the families, until `stop()`; counts what arrived. */
function goodTraffic(base: string): { stop: () => Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const loop = async (worker: number): Promise<void> => {
    for (let i = worker; running; i += 2) {
      const family = FAMILY_NAMES[i % FAMILY_NAMES.length];
      const client = new OpenAI({ baseURL: `${base}/router/r-${family}`, apiKey: 'client-key', maxRetries: 0 });
      try {
        const stream = await client.chat.completions.create({
          model: FAMILIES[family],
          messages: [{ role: 'user', content: `${GOOD_MARKER} ${i}` }],
          stream: true,
        });
        let text = '';
        let finish: string | null = null;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta?.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
        if (text.length > 0 && finish !== null) ok++;
        else failed.push(`${family}: empty stream (finish ${finish})`);
      } catch (err) {
        failed.push(`${family}: ${(err as Error).message}`);
      }
    }
  };
  const workers = [loop(0), loop(1)];
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return { ok, failed };
    },
  };
}

before(async () => {
  sims = {
    openai: await startOpenAISimulator({ apiKey: KEYS.OPENAI_API_KEY }),
    anthropic: await startAnthropicSimulator({ apiKey: KEYS.ANTHROPIC_API_KEY }),
    gemini: await startGeminiSimulator({ apiKey: KEYS.GEMINI_API_KEY }),
    bedrock: await startBedrockSimulator({ accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY, region: KEYS.AWS_REGION }),
    mistral: await startMistralSimulator({ apiKey: KEYS.MISTRAL_API_KEY }),
    ollama: await startOllamaSimulator(),
  };
});

after(async () => {
  await Promise.all(Object.values(sims ?? {}).map((s) => s.close()));
});

test('the corpus holds at least 150 malformed requests', () => {
  assert.ok(BAD_REQUESTS.length >= 150, `${BAD_REQUESTS.length} cases`);
  assert.equal(new Set(BAD_REQUESTS.map((c) => c.name)).size, BAD_REQUESTS.length, 'case names are unique');
});

describe('in process, against src', () => {
  let server: Server;
  let base: string;
  const logLines: string[] = [];

  before(async () => {
    const loaded = parseConfigText(configYaml(), 'bad-input test', KEYS);
    const compiled = compileGateway(loaded.config, KEYS, { embedded: false, source: 'bad-input test' });
    const logging = createLogging('info', { write: (chunk: string) => logLines.push(chunk) });
    server = createHttpServer(createGateway(compiled, logging));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a parameter a provider cannot honour is a 400 unsupported_parameter naming it (openai SDK), sent nowhere', async () => {
    const upstreamBefore = corpusRequestsUpstream();
    const cases: Array<[Family, Record<string, unknown>, string]> = [
      ['anthropic', { logit_bias: { '50256': -100 } }, 'logit_bias'],
      ['bedrock', { logit_bias: { '50256': -100 } }, 'logit_bias'],
      ['anthropic', { functions: [{ name: 'f' }] }, 'functions'],
      ['bedrock', { functions: [{ name: 'f' }] }, 'functions'],
      ['gemini', { function_call: 'auto' }, 'function_call'],
      ['anthropic', { reasoning_effort: 'high' }, 'reasoning_effort'],
      ['mistral', { logprobs: true }, 'logprobs'],
      ['ollama', { n: 3 }, 'n'],
    ];
    for (const [family, fields, param] of cases) {
      const client = new OpenAI({ baseURL: `${base}/router/r-${family}`, apiKey: 'client-key', maxRetries: 0 });
      await assert.rejects(
        client.chat.completions.create({ model: FAMILIES[family], messages: [{ role: 'user', content: 'hi' }], ...fields } as OpenAI.ChatCompletionCreateParamsNonStreaming),
        (err: unknown) => err instanceof OpenAI.BadRequestError && err.code === 'unsupported_parameter' && err.param === param && err.message.includes(`'${param}' is not supported by ${family}`),
        `${family} ${param}`,
      );
    }
    assert.equal(corpusRequestsUpstream() - upstreamBefore, 0);
    // The same parameters go to an OpenAI-dialect provider as sent.
    const openai = new OpenAI({ baseURL: `${base}/router/r-openai`, apiKey: 'client-key', maxRetries: 0 });
    await openai.chat.completions.create({ model: FAMILIES.openai, messages: [{ role: 'user', content: GOOD_MARKER }], logit_bias: { '50256': -100 }, reasoning_effort: 'high' });
    const sent = JSON.parse(String(sims.openai.requests.at(-1)?.body)) as Record<string, unknown>;
    assert.deepEqual(sent.logit_bias, { '50256': -100 });
    assert.equal(sent.reasoning_effort, 'high');
  });

  test('null is "unset" for every optional parameter, on every provider family', async () => {
    const nulls = Object.fromEntries(CHAT_PARAMETERS.map((p) => [p, null]));
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } };
    for (const family of FAMILY_NAMES) {
      for (const fields of [nulls, { ...nulls, tools: [tool] }]) {
        const res = await fetch(`${base}/router/r-${family}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: FAMILIES[family], messages: [{ role: 'user', content: `${GOOD_MARKER} nulls` }], ...fields }),
        });
        assert.equal(res.status, 200, `${family}: ${await res.text()}`);
      }
    }
    const embeddingModels = { openai: 'text-embedding-3-small', gemini: 'text-embedding-004', bedrock: 'amazon.titan-embed-text-v2:0', mistral: 'mistral-embed', ollama: 'nomic-embed-text' };
    for (const [family, model] of Object.entries(embeddingModels)) {
      const res = await fetch(`${base}/router/r-${family}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, input: GOOD_MARKER, encoding_format: null, dimensions: null, user: null }),
      });
      assert.equal(res.status, 200, `${family} embeddings: ${await res.text()}`);
    }
  });

  test('every case is a 400 naming its field on every provider family, nothing goes upstream, good streams lose nothing', async () => {
    const upstreamBefore = corpusRequestsUpstream();
    const good = goodTraffic(base);
    const failures = await runCorpus(base);
    const traffic = await good.stop();
    assert.equal(failures.length, 0, `${failures.length} of ${BAD_REQUESTS.length * FAMILY_NAMES.length} cases failed:\n${failures.slice(0, 30).join('\n')}`);
    assert.equal(corpusRequestsUpstream() - upstreamBefore, 0, 'no malformed request reached a provider');
    assert.deepEqual(traffic.failed, []);
    assert.ok(traffic.ok >= FAMILY_NAMES.length, `good streams completed: ${traffic.ok}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the log batcher's flush
    assert.equal(logLines.join('').includes('unexpected error'), false, 'no unexpected error logged');
  });
});

describe('end to end, against dist', () => {
  let gw: GatewayProcess;

  before(async () => {
    gw = await startGateway({ config: configYaml(), env: KEYS });
  });

  after(() => gw?.stop());

  test('every case is a 400 naming its field on every provider family, nothing goes upstream', async () => {
    const upstreamBefore = corpusRequestsUpstream();
    const good = goodTraffic(gw.url);
    const failures = await runCorpus(gw.url);
    const traffic = await good.stop();
    assert.equal(failures.length, 0, failures.slice(0, 30).join('\n'));
    assert.equal(corpusRequestsUpstream() - upstreamBefore, 0);
    assert.deepEqual(traffic.failed, []);
    assert.equal(gw.output().includes('unexpected error'), false);
  });
});
