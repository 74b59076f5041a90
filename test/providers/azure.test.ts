/**
 * The Azure OpenAI adapter on its own: paths for both API surfaces, the `api-key` header, error
 * and content-filter mapping, the stream's filter-only first chunk, and the config and
 * credential rules that build the provider.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../../src/core/chat-types.js';
import { adapterFor } from '../../src/providers/registry.js';
import { azurePath } from '../../src/providers/azure/index.js';
import { filteredCategories } from '../../src/providers/azure/content-filter.js';
import type { ChatTarget, ProviderRuntime } from '../../src/providers/types.js';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway } from '../../src/config/compile.js';
import { ConfigError } from '../../src/config/errors.js';
import { discoverCredentials } from '../../src/secrets/credential-store.js';
import { CollectingSink } from '../helpers/collecting-sink.js';
import { CONTENT_FILTER_ERROR } from '../simulators/azure.js';

const adapter = adapterFor('azure');

function runtime(extra: Partial<ProviderRuntime> = {}, base = 'https://contoso.openai.azure.com/'): ProviderRuntime {
  return { name: 'azure', adapter, baseUrl: new URL(base), models: ['gpt-4o-mini'], ...extra };
}

function target(provider: ProviderRuntime, model = 'gpt-4o-mini', rawBody?: Buffer): ChatTarget {
  return { provider, model, stream: false, includeUsage: false, requestId: 'req-1', rawBody, modelRewritten: false };
}

const REQUEST: ChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

function compile(yaml: string, env: Record<string, string> = {}) {
  const { config } = parseConfigText(yaml, 'test', env);
  return compileGateway(config, env, { embedded: false, source: 'test' });
}

describe('Azure paths', () => {
  test('without deployments: the v1 API, whatever form of the resource URL is configured', () => {
    for (const base of ['https://contoso.openai.azure.com/', 'https://contoso.openai.azure.com/openai/', 'https://contoso.openai.azure.com/openai/v1/']) {
      const provider = runtime({}, base);
      assert.equal(azurePath(provider, 'chat/completions', 'gpt-4o-mini'), '/openai/v1/chat/completions', base);
      assert.equal(azurePath(provider, 'embeddings', 'text-embedding-3-small'), '/openai/v1/embeddings', base);
    }
  });

  test('with deployments: deployment paths with the api-version; an unmapped model is its own deployment', () => {
    const provider = runtime({ deployments: new Map([['gpt-4o-mini', 'my mini']]), apiVersion: '2024-10-21' });
    assert.equal(azurePath(provider, 'chat/completions', 'gpt-4o-mini'), '/openai/deployments/my%20mini/chat/completions?api-version=2024-10-21');
    // Cached per model: the same string comes back.
    assert.equal(azurePath(provider, 'chat/completions', 'gpt-4o-mini'), azurePath(provider, 'chat/completions', 'gpt-4o-mini'));
    assert.equal(azurePath(provider, 'embeddings', 'text-embedding-3-small'), '/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
  });

  test('deployments without api-version use the GA default; resource-wide endpoints (responses) stay on v1', () => {
    const provider = runtime({ deployments: new Map([['gpt-4o', 'prod-4o']]) });
    assert.equal(azurePath(provider, 'chat/completions', 'gpt-4o'), '/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21');
    assert.equal(azurePath(provider, 'responses', 'gpt-4o'), '/openai/v1/responses');
  });
});

describe('Azure requests', () => {
  test('the key goes in api-key, never Authorization; the client bytes go up untouched', () => {
    const raw = Buffer.from(JSON.stringify(REQUEST));
    const req = adapter.chat.buildRequest(REQUEST, target(runtime(), 'gpt-4o-mini', raw));
    adapter.authorize(req, { kind: 'api-key', key: 'azure-secret-1234' }, runtime());
    assert.equal(req.headers['api-key'], 'azure-secret-1234');
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.body, raw);
    assert.equal(req.origin, 'https://contoso.openai.azure.com');
  });

  test('embeddings go to the embeddings path with the mapped model', () => {
    const provider = runtime({ deployments: new Map([['text-embedding-3-small', 'emb']]), apiVersion: '2024-10-21' });
    const req = adapter.embeddings?.buildRequest({ model: 'text-embedding-3-small', input: ['a'] }, { provider, model: 'text-embedding-3-small', requestId: 'r' });
    assert.equal(req?.path, '/openai/deployments/emb/embeddings?api-version=2024-10-21');
  });
});

describe('Azure errors', () => {
  const provider = runtime();

  test('a prompt blocked by the content filter is a 400 naming the categories that fired', () => {
    const body = JSON.stringify(CONTENT_FILTER_ERROR);
    const err = adapter.mapError(400, {}, body, provider);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'content_filter');
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.param, 'prompt');
    assert.match(err.message, /^azure: the prompt was blocked by Azure OpenAI's content filter \(jailbreak, violence \(high\)\)/);
  });

  test('custom blocklists are named by id', () => {
    assert.deepEqual(filteredCategories({ custom_blocklists: { filtered: true, details: [{ filtered: true, id: 'brand-names' }, { filtered: false, id: 'other' }] } }), [
      'custom_blocklists (brand-names)',
    ]);
  });

  test('429 keeps the retry hint, from retry-after-ms when Azure sends it', () => {
    const body = JSON.stringify({ error: { code: '429', message: 'Requests … have exceeded token rate limit. Please retry after 7 seconds.' } });
    const err = adapter.mapError(429, { 'retry-after': '7', 'retry-after-ms': '6500' }, body, provider);
    assert.equal(err.status, 429);
    assert.equal(err.type, 'rate_limit_error');
    assert.equal(err.retryAfter, 7);
    assert.equal(adapter.mapError(429, { 'retry-after-ms': '1200' }, body, provider).retryAfter, 2);
    assert.equal(adapter.mapError(429, { 'retry-after': '3' }, body, provider).retryAfter, 3);
  });

  test('DeploymentNotFound says where deployments are configured', () => {
    const body = JSON.stringify({ error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } });
    const err = adapter.mapError(404, {}, body, provider);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'DeploymentNotFound');
    assert.match(err.message, /does not exist\. Check the deployment name \(providers\.azure\.deployments/);
  });

  test("the API management layer's {statusCode, message} body keeps its message", () => {
    const err = adapter.mapError(401, {}, JSON.stringify({ statusCode: 401, message: 'Unauthorized. Access token is missing or invalid.' }), provider);
    assert.equal(err.status, 401);
    assert.equal(err.type, 'authentication_error');
    assert.equal(err.message, 'azure: Unauthorized. Access token is missing or invalid.');
  });
});

describe('Azure streams read by the core', () => {
  test("Azure's filter-only first chunk is dropped; content, finish and usage chunks are kept", () => {
    const events = [
      { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
      { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, content_filter_results: {} }] },
      { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] },
      { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }] },
      { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
    ];
    const bytes = Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n');
    const sink = new CollectingSink();
    const translator = adapter.chat.createStreamTranslator({ ...target(runtime()), stream: true }, sink);
    translator.write(bytes.subarray(0, 50));
    translator.write(bytes.subarray(50));
    translator.end();
    assert.deepEqual(sink.errors, []);
    assert.equal(sink.chunks.length, 4);
    assert.equal(sink.chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(sink.chunks[2].choices[0].finish_reason, 'content_filter');
    assert.equal(sink.chunks[3].usage?.total_tokens, 4);
  });
});

describe('Azure config and credentials', () => {
  test('deployments and api-version compile into the provider; its models are the deployment keys', () => {
    const compiled = compile(
      `providers:\n  azure:\n    base-url: https://contoso.openai.azure.com\n    api-version: "2024-10-21"\n    deployments: { gpt-4o-mini: my-mini, text-embedding-3-small: emb }\n`,
      { AZURE_OPENAI_API_KEY: 'k' },
    );
    const azure = compiled.providers.get('azure');
    assert.equal(azure?.runtime.apiVersion, '2024-10-21');
    assert.equal(azure?.runtime.deployments?.get('gpt-4o-mini'), 'my-mini');
    assert.deepEqual(azure?.runtime.models, ['gpt-4o-mini', 'text-embedding-3-small']);
  });

  test('without a base-url Azure is absent; naming it without one is a config error', () => {
    assert.equal(compile('{}').providers.has('azure'), false);
    assert.equal(compile('{}', { AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com' }).providers.get('azure')?.runtime.baseUrl.href, 'https://contoso.openai.azure.com/');
    assert.throws(() => compile('providers:\n  azure: { api-version: "2024-10-21" }\n'), (err: unknown) => err instanceof ConfigError && /providers\.azure: needs a base-url/.test(err.message));
    assert.throws(
      () => compile('routers:\n  r:\n    load-balance: { chat: { strategy: latency, providers: [azure] } }\n'),
      (err: unknown) => err instanceof ConfigError && /provider "azure" needs providers\.azure\.base-url/.test(err.message),
    );
  });

  test('deployments on another provider is a warning, not an error', () => {
    const compiled = compile('providers:\n  openai: { deployments: { a: b } }\n');
    assert.ok(compiled.warnings.some((w) => /providers\.openai: "deployments" and "api-version" are Azure OpenAI keys/.test(w)), compiled.warnings.join('\n'));
  });

  test('the key comes from AZURE_OPENAI_API_KEY, else AZURE_API_KEY; missing, the hint names AZURE_OPENAI_API_KEY', () => {
    const request = { name: 'azure', kind: 'azure' as const };
    const both = discoverCredentials(request, { AZURE_OPENAI_API_KEY: 'first-key-1111', AZURE_API_KEY: 'second-key-2222' });
    assert.ok(both.found && both.credentials.kind === 'api-key' && both.credentials.key === 'first-key-1111');
    const fallback = discoverCredentials(request, { AZURE_API_KEY: 'second-key-2222' });
    assert.ok(fallback.found && fallback.variables[0] === 'AZURE_API_KEY');
    const none = discoverCredentials(request, {});
    assert.ok(!none.found && none.hint === 'set AZURE_OPENAI_API_KEY');
  });
});

describe('Azure in model mapping', () => {
  // Azure serves OpenAI's names, so the router finds it through OpenAI's equivalents; with
  // `deployments`, only the deployed names count, and a model with no deployed equivalent skips Azure.
  test("a router over Azure serves another provider's model name through the built-in equivalents", () => {
    const compiled = compile(
      'providers:\n  azure: { base-url: "https://contoso.openai.azure.com" }\nrouters:\n  r:\n    load-balance: { chat: { strategy: latency, providers: [azure] } }\n',
      { AZURE_OPENAI_API_KEY: 'k' },
    );
    const router = compiled.routers.get('r');
    assert.deepEqual(router?.candidates('claude-haiku-4-5').map((c) => `${c.target.provider.name}/${c.model}`), ['azure/gpt-4o-mini']);
    assert.deepEqual(router?.candidates('gpt-4o').map((c) => `${c.target.provider.name}/${c.model}`), ['azure/gpt-4o']);

    const deployed = compile(
      'providers:\n  azure: { base-url: "https://contoso.openai.azure.com", deployments: { gpt-4o: prod-4o } }\nrouters:\n  r:\n    load-balance: { chat: { strategy: latency, providers: [azure] } }\n',
      { AZURE_OPENAI_API_KEY: 'k' },
    ).routers.get('r');
    assert.deepEqual(deployed?.candidates('claude-sonnet-4-5').map((c) => `${c.target.provider.name}/${c.model}`), ['azure/gpt-4o']);
    assert.throws(() => deployed?.candidates('claude-haiku-4-5'), /has no provider for model "claude-haiku-4-5"/);
  });
});

describe('Azure: the Responses API, natively', () => {
  const native = adapter.native?.responses;

  test('on the v1 path; the client’s bytes when the model is no listed deployment', () => {
    assert.ok(native);
    const raw = Buffer.from('{"model":"gpt-4o-mini","input":"hi"}');
    const provider = runtime();
    const req = native.buildRequest(raw, { provider, model: 'gpt-4o-mini', stream: false, parsed: JSON.parse(raw.toString()) as Record<string, unknown> });
    assert.equal(req.path, '/openai/v1/responses');
    assert.equal(req.body, raw);
  });

  test('a model listed in `deployments` is sent under its deployment’s name (v1 bodies name the deployment)', () => {
    assert.ok(native);
    const raw = Buffer.from('{"model":"gpt-4o-mini","input":"hi"}');
    const provider = runtime({ deployments: new Map([['gpt-4o-mini', 'prod-mini']]), apiVersion: '2024-10-21' });
    const req = native.buildRequest(raw, { provider, model: 'gpt-4o-mini', stream: false, parsed: JSON.parse(raw.toString()) as Record<string, unknown> });
    assert.equal(req.path, '/openai/v1/responses');
    assert.deepEqual(JSON.parse(String(req.body)), { model: 'prod-mini', input: 'hi' });
  });
});
