/**
 * Vertex AI: the simulator's token endpoint checked with google-auth-library itself, the
 * gateway's token source (caching, refresh ahead of expiry, shared refresh, failures), the
 * adapter's paths and bodies for both publishers, error dialects, embeddings, and config.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GoogleAuth } from 'google-auth-library';
import { compileGateway } from '../../src/config/compile.js';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfigText } from '../../src/config/load.js';
import type { ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget, ProviderRuntime, UpstreamRequest } from '../../src/providers/types.js';
import { vertexBaseUrl } from '../../src/providers/vertex/vertex-paths.js';
import { CLOUD_PLATFORM_SCOPE, GoogleTokenSource } from '../../src/secrets/google-token.js';
import { GOOGLE_TOKEN_URL, startVertexSimulator, type VertexSimulator } from '../simulators/vertex.js';

const adapter = adapterFor('vertex');
const PROJECT = 'test-project';
const LOCATION = 'us-central1';

let sim: VertexSimulator;
let dir: string;
let keyFile: string;

before(async () => {
  sim = await startVertexSimulator({ project: PROJECT, location: LOCATION });
  dir = await mkdtemp(join(tmpdir(), 'vertex-test-'));
  keyFile = await sim.writeServiceAccountKey(dir);
});

after(async () => {
  await sim?.close();
});

const issuedTokens = () => sim.tokenRequests.filter((r) => 'token' in r.outcome).length;

describe('simulator token endpoint, checked with google-auth-library directly', () => {
  /** The library posts to Google's URL whatever the key file says; send it to the simulator. */
  async function libraryClient(path: string) {
    const auth = new GoogleAuth({ keyFilename: path, scopes: [CLOUD_PLATFORM_SCOPE] });
    const client = await auth.getClient();
    client.transporter.interceptors.request.add({
      resolved: (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(sim.tokenUrl);
        return Promise.resolve(options);
      },
    });
    return client;
  }

  it('issues a token for an assertion signed with the service account key, and the model API accepts it', async () => {
    const { token } = await (await libraryClient(keyFile)).getAccessToken();
    assert.match(token ?? '', /^ya29\.sim-/);
    const last = sim.tokenRequests.at(-1);
    assert.deepEqual(last?.outcome, { token });
    assert.match(last?.issuer ?? '', /@test-project\.iam\.gserviceaccount\.com$/);
    const res = await fetch(`${sim.url}/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    assert.equal(res.status, 200);
    const bad = await fetch(`${sim.url}/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { authorization: 'Bearer ya29.not-issued' },
      body: '{}',
    });
    assert.equal(bad.status, 401);
  });

  it('refuses an assertion signed with another key (invalid_grant)', async () => {
    const key = JSON.parse(await readFile(keyFile, 'utf8')) as Record<string, string>;
    const other = JSON.parse(await readFile(await sim.writeServiceAccountKey(dir, { email: 'other@test-project.iam.gserviceaccount.com' }), 'utf8')) as Record<string, string>;
    const forged = join(dir, 'forged.json');
    await writeFile(forged, JSON.stringify({ ...key, private_key: other.private_key }));
    await assert.rejects((await libraryClient(forged)).getAccessToken(), /invalid_grant: Invalid JWT Signature/);
  });
});

describe('GoogleTokenSource', () => {
  /** A wall clock the test moves forward (token expiry is wall-clock time). */
  function clock() {
    let shift = 0;
    return { now: () => Date.now() + shift, advance: (ms: number) => void (shift += ms) };
  }

  it('fetches once, shares one refresh among concurrent callers, then answers synchronously', async () => {
    const before = issuedTokens();
    const source = new GoogleTokenSource({ provider: 'vertex', keyFile });
    const first = source.token();
    assert.ok(first instanceof Promise, 'a cold source must fetch');
    const all = await Promise.all([first, source.token(), source.token(), source.token()]);
    assert.equal(new Set(all).size, 1);
    assert.equal(issuedTokens() - before, 1);
    assert.equal(source.token(), all[0], 'a fresh token is returned without a promise');
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a refresh that should not happen
    assert.equal(issuedTokens() - before, 1);
  });

  it('refreshes in the background before expiry and keeps serving the valid token meanwhile', async () => {
    const time = clock();
    const source = new GoogleTokenSource({ provider: 'vertex', keyFile, now: time.now });
    const a = await source.token();
    const before = issuedTokens();
    time.advance(56 * 60_000); // an hour-long token with 4 minutes left: refresh ahead
    assert.equal(source.token(), a, 'the still valid token is served while the refresh runs');
    await waitFor(() => issuedTokens() === before + 1);
    await new Promise((resolve) => setImmediate(resolve));
    const b = source.token();
    assert.equal(typeof b, 'string');
    assert.notEqual(b, a);
  });

  it('waits for the refresh when the token is about to expire', async () => {
    const time = clock();
    const source = new GoogleTokenSource({ provider: 'vertex', keyFile, now: time.now });
    const a = await source.token();
    time.advance(3600_000 - 10_000); // 10 s left: too close to hand out
    const next = source.token();
    assert.ok(next instanceof Promise);
    assert.notEqual(await next, a);
  });

  it('maps a refused assertion to 401 naming the key file, holds the failure briefly, then recovers', async () => {
    const time = clock();
    const source = new GoogleTokenSource({ provider: 'vertex', keyFile, now: time.now });
    sim.setNextToken({ kind: 'error', status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
    const error = await rejection(source.token());
    assert.equal(error.status, 401);
    assert.equal(error.code, 'provider_credentials_rejected');
    assert.ok(error.message.includes(keyFile), error.message);
    assert.match(error.message, /invalid_grant/);
    const requests = sim.tokenRequests.length;
    assert.equal((await rejection(source.token())).code, 'provider_credentials_rejected');
    assert.equal(sim.tokenRequests.length, requests, 'a held failure does not hit the endpoint again');
    time.advance(1_500);
    assert.match(await source.token(), /^ya29\.sim-/);
  });

  it('maps an unreachable token endpoint to 502', async () => {
    const closed = await startVertexSimulator();
    const unreachable = await closed.writeServiceAccountKey(dir, { tokenUri: 'http://127.0.0.1:9/token' });
    await closed.close();
    const error = await rejection(new GoogleTokenSource({ provider: 'vertex', keyFile: unreachable }).token());
    assert.equal(error.status, 502);
    assert.equal(error.code, 'provider_token_unavailable');
    assert.ok(error.message.includes(unreachable));
  });

  it('never echoes the key file, whatever is wrong with it', async () => {
    const secret = 'PRIVATE-KEY-MATERIAL-0123456789';
    const broken = join(dir, 'broken.json');
    // A PEM pasted where the JSON should be: JSON.parse's own message would quote it.
    await writeFile(broken, secret);
    const notJson = await rejection(new GoogleTokenSource({ provider: 'vertex', keyFile: broken }).token());
    assert.equal(notJson.status, 401);
    assert.ok(!notJson.message.includes(secret.slice(0, 8)), notJson.message);
    assert.match(notJson.message, /not JSON/);
    const missing = await rejection(new GoogleTokenSource({ provider: 'vertex', keyFile: join(dir, 'nope.json') }).token());
    assert.equal(missing.status, 401);
    assert.match(missing.message, /does not exist/);
    const garbage = join(dir, 'garbage.json');
    await writeFile(garbage, JSON.stringify({ type: 'service_account', client_email: 'x@y', private_key: secret }));
    const unusable = await rejection(new GoogleTokenSource({ provider: 'vertex', keyFile: garbage }).token());
    assert.ok(!unusable.message.includes(secret), unusable.message);
  });
});

async function rejection(value: string | Promise<string>): Promise<GatewayError> {
  try {
    await value;
  } catch (err) {
    assert.ok(err instanceof GatewayError, `expected a GatewayError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the token to fail');
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition not reached');
}

describe('Vertex adapter', () => {
  function provider(baseUrl = 'https://us-central1-aiplatform.googleapis.com/'): ProviderRuntime {
    return { name: 'vertex', adapter, baseUrl: new URL(baseUrl), models: [], project: PROJECT, location: LOCATION };
  }
  function target(model: string, stream = false, p = provider()): ChatTarget {
    return { provider: p, model, stream, includeUsage: false, requestId: 'req1', modelRewritten: false };
  }
  const hi: ChatRequest = { model: 'x', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] };
  const build = (req: ChatRequest, t: ChatTarget): UpstreamRequest => adapter.chat.buildRequest(req, t);
  const json = (r: UpstreamRequest) => JSON.parse(String(r.body)) as Record<string, unknown>;
  const prefix = `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers`;

  it('sends Gemini models to :generateContent and :streamGenerateContent?alt=sse with Gemini bodies', () => {
    const plain = build(hi, target('gemini-2.5-flash'));
    assert.equal(plain.origin, 'https://us-central1-aiplatform.googleapis.com');
    assert.equal(plain.path, `${prefix}/google/models/gemini-2.5-flash:generateContent`);
    const gemini = adapterFor('gemini').chat.buildRequest(hi, { ...target('gemini-2.5-flash'), provider: { name: 'gemini', adapter, baseUrl: new URL('https://g/'), models: [] } });
    assert.deepEqual(json(plain), JSON.parse(String(gemini.body)));
    assert.equal(build(hi, target('gemini-2.5-flash', true)).path, `${prefix}/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`);
  });

  it('sends Claude models to :rawPredict / :streamRawPredict with anthropic_version in the body and no model', () => {
    const plain = build(hi, target('claude-sonnet-4-5@20250929'));
    assert.equal(plain.path, `${prefix}/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`);
    const body = json(plain);
    assert.equal(body.anthropic_version, 'vertex-2023-10-16');
    assert.equal('model' in body, false);
    assert.deepEqual(body.system, [{ type: 'text', text: 'be brief' }]);
    assert.equal(plain.headers['anthropic-version'], undefined);
    const streamed = build(hi, target('claude-haiku-4-5', true));
    assert.equal(streamed.path, `${prefix}/anthropic/models/claude-haiku-4-5:streamRawPredict`);
    assert.equal(json(streamed).stream, true);
  });

  it('applies the parameter table of the publisher', () => {
    const hot = { ...hi, temperature: 1.5 };
    assert.throws(() => build(hot, target('claude-sonnet-4-5')), (err: GatewayError) => err.code === 'unsupported_value');
    assert.equal(json(build(hot, target('gemini-2.5-flash'))).generationConfig instanceof Object, true);
  });

  it('keeps a base URL that names the version, and encodes model ids', () => {
    const r = build(hi, target('gemini/../x', false, provider('https://proxy.internal/vertex/v1/')));
    assert.equal(r.path, `/vertex/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/gemini%2F..%2Fx:generateContent`);
  });

  it('adds the bearer token, synchronously when it is fresh', async () => {
    const req = build(hi, target('gemini-2.5-flash'));
    assert.equal(adapter.authorize(req, { kind: 'oauth', source: 'test', token: () => 'tok-1' }, provider()), undefined);
    assert.equal(req.headers.authorization, 'Bearer tok-1');
    const pending = adapter.authorize(req, { kind: 'oauth', source: 'test', token: () => Promise.resolve('tok-2') }, provider());
    assert.ok(pending instanceof Promise);
    await pending;
    assert.equal(req.headers.authorization, 'Bearer tok-2');
  });

  it('reads errors in both dialects', () => {
    const google = adapter.mapError(429, { 'retry-after': '7' }, JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } }), provider());
    assert.equal(google.status, 429);
    assert.equal(google.code, 'resource_exhausted');
    assert.equal(google.retryAfter, 7);
    const claude = adapter.mapError(529, {}, JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), provider());
    assert.equal(claude.status, 503);
    assert.equal(claude.code, 'overloaded_error');
    assert.equal(claude.message, 'vertex: Overloaded');
  });

  it('embeds through :predict, one text per call, with token counts', () => {
    const embeddings = adapter.embeddings;
    assert.ok(embeddings);
    assert.equal(embeddings.maxInputs, 1);
    const t = { provider: provider(), model: 'gemini-embedding-001', requestId: 'r' };
    const r = embeddings.buildRequest({ model: 'gemini-embedding-001', input: 'hello world', dimensions: 4 }, t);
    assert.equal(r.path, `${prefix}/google/models/gemini-embedding-001:predict`);
    assert.deepEqual(json(r), { instances: [{ content: 'hello world' }], parameters: { outputDimensionality: 4 } });
    const parsed = embeddings.parseResponse({ predictions: [{ embeddings: { values: [0.5, 0.25], statistics: { token_count: 2 } } }] }, t);
    assert.deepEqual(parsed.data, [{ object: 'embedding', index: 0, embedding: [0.5, 0.25] }]);
    assert.deepEqual(parsed.usage, { prompt_tokens: 2, total_tokens: 2 });
    assert.throws(() => embeddings.buildRequest({ model: 'claude-haiku-4-5', input: 'x' }, { ...t, model: 'claude-haiku-4-5' }), (err: GatewayError) => err.status === 400);
  });
});

describe('Vertex config', () => {
  function compile(yaml: string, env: Record<string, string>) {
    const { config } = parseConfigText(yaml, 'test', env);
    return compileGateway(config, env, { embedded: false, source: 'test' });
  }

  it('takes project and location from the config, else the environment; the endpoint follows the location', () => {
    const fromConfig = compile('providers:\n  vertex: { project: my-proj, location: europe-west4 }\n', { GOOGLE_APPLICATION_CREDENTIALS: keyFile });
    const runtime = fromConfig.providers.get('vertex')?.runtime;
    assert.equal(runtime?.project, 'my-proj');
    assert.equal(runtime?.location, 'europe-west4');
    assert.equal(runtime?.baseUrl.href, 'https://europe-west4-aiplatform.googleapis.com/');
    const status = fromConfig.credentials.status('vertex');
    assert.ok(status?.found && status.credentials.kind === 'oauth');
    assert.deepEqual(status.variables, ['GOOGLE_APPLICATION_CREDENTIALS']);

    const fromEnv = compile('{}', { GOOGLE_APPLICATION_CREDENTIALS: keyFile, GOOGLE_CLOUD_PROJECT: 'env-proj', GOOGLE_CLOUD_LOCATION: 'us-east5' });
    assert.equal(fromEnv.providers.get('vertex')?.runtime.project, 'env-proj');
    assert.equal(fromEnv.providers.get('vertex')?.runtime.baseUrl.href, 'https://us-east5-aiplatform.googleapis.com/');
    assert.equal(vertexBaseUrl('global'), 'https://aiplatform.googleapis.com/');
    assert.equal(compile('{}', {}).providers.get('vertex')?.runtime.baseUrl.href, 'https://aiplatform.googleapis.com/');
  });

  it('says what is missing, and uses Application Default Credentials only when vertex is configured', () => {
    const noProject = compile('{}', { GOOGLE_APPLICATION_CREDENTIALS: keyFile }).credentials.status('vertex');
    assert.ok(noProject && !noProject.found);
    assert.deepEqual(noProject.missing, ['GOOGLE_CLOUD_PROJECT']);
    const noKey = compile('{}', { GOOGLE_CLOUD_PROJECT: 'p' }).credentials.status('vertex');
    assert.ok(noKey && !noKey.found);
    assert.deepEqual(noKey.missing, ['GOOGLE_APPLICATION_CREDENTIALS']);
    const adc = compile('providers:\n  vertex: { project: p }\n', {}).credentials.status('vertex');
    assert.ok(adc?.found && adc.credentials.kind === 'oauth');
    assert.equal(adc.credentials.source, 'Application Default Credentials');
  });

  it('refuses a location or project that is not one, and names project on other providers as not acted on', () => {
    assert.throws(() => compile('providers:\n  vertex: { project: p, location: "evil.com/x" }\n', {}), (err: ConfigError) => /providers\.vertex\.location/.test(err.message));
    assert.throws(() => compile('{}', { GOOGLE_CLOUD_PROJECT: 'Bad Project' }), (err: ConfigError) => /GOOGLE_CLOUD_PROJECT/.test(err.message));
    assert.ok(compile('providers:\n  openai: { project: p }\n', {}).notImplemented.includes('providers.openai.project'));
  });
});
