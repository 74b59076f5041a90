/**
 * The official openai client against Azure OpenAI through the gateway: deployment paths and the
 * v1 API, chat, streams (Azure's filter-only first chunk included), tools, embeddings, the
 * content filter and Azure's errors. In process against src, and once end to end through dist.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { startGateway } from '../helpers/gateway.js';
import { startAzureSimulator, type AzureSimulator } from '../simulators/azure.js';

const KEY = 'test-azure-key-integration-7777';
const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
];

let sim: AzureSimulator;
/** Deployment paths: `deployments` and `api-version` configured. */
let deployed: InProcessGateway;
/** The v1 API: only the resource URL configured. */
let v1: InProcessGateway;

const routerClient = (gw: { url: string }): OpenAI => new OpenAI({ baseURL: `${gw.url}/router/az`, apiKey: 'client-token', maxRetries: 0 });
const unifiedClient = (gw: { url: string }): OpenAI => new OpenAI({ baseURL: `${gw.url}/ai`, apiKey: 'client-token', maxRetries: 0 });

const ROUTER = `routers:
  az:
    load-balance:
      chat: { strategy: latency, providers: [azure] }
`;

before(async () => {
  sim = await startAzureSimulator({ apiKey: KEY, deployments: ['my-mini', 'my-embed', 'gpt-4o'] });
  deployed = await startInProcess({
    config: `providers:
  azure:
    base-url: "${sim.url}"
    api-version: "2024-10-21"
    deployments: { gpt-4o-mini: my-mini, text-embedding-3-small: my-embed }
${ROUTER}`,
    env: { AZURE_OPENAI_API_KEY: KEY },
  });
  v1 = await startInProcess({ config: `providers:\n  azure: { base-url: "${sim.url}" }\n${ROUTER}`, env: { AZURE_API_KEY: KEY } });
});

after(async () => {
  await deployed?.close();
  await v1?.close();
  await sim?.close();
});

/** What the SDK throws for a one-message chat request (undefined if it succeeds). */
function chatError(client: OpenAI, model: string, content: string): Promise<unknown> {
  return client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  let args = '';
  let name: string | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    const choice = chunk.choices[0];
    text += choice?.delta?.content ?? '';
    finish = choice?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
    for (const call of choice?.delta?.tool_calls ?? []) {
      name ??= call.function?.name;
      args += call.function?.arguments ?? '';
    }
  }
  return { text, finish, usage, args, name, chunks };
}

describe('deployment paths', () => {
  test('chat through a router: deployment path with api-version, the key in api-key, Azure fields passed through', async () => {
    const res = await routerClient(deployed).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0].message.content, 'Bonjour from Azure ✓');
    assert.equal(res.choices[0].finish_reason, 'stop');
    // Passed through as Azure sent them: OpenAI SDKs ignore fields they do not know.
    assert.ok(Array.isArray((res as unknown as Record<string, unknown>).prompt_filter_results));
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.path, '/openai/deployments/my-mini/chat/completions?api-version=2024-10-21');
    assert.equal(upstream?.headers['api-key'], KEY);
    assert.equal(upstream?.headers.authorization, undefined, "the client's token must not reach Azure");
    assert.equal((upstream?.body as { model?: string }).model, 'gpt-4o-mini');
  });

  test('streaming with usage: the SDK reads Azure stream, its choices-less first chunk included', async () => {
    const out = await collect(
      await routerClient(deployed).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    );
    assert.equal(out.text, 'Bonjour from Azure ✓');
    assert.equal(out.finish, 'stop');
    assert.equal(out.usage?.total_tokens, 23);
    // The stream helper accumulates the whole answer from the same bytes.
    const helper = routerClient(deployed).chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const final = await helper.finalChatCompletion();
    assert.equal(final.choices[0].message.content, 'Bonjour from Azure ✓');
  });

  test('tools, non-streaming and streaming, on /ai', async () => {
    const res = await unifiedClient(deployed).chat.completions.create({ model: 'azure/gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }], tools: TOOLS });
    assert.equal(res.choices[0].finish_reason, 'tool_calls');
    const call = res.choices[0].message.tool_calls?.[0];
    assert.ok(call?.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.deepEqual((sim.requests.at(-1)?.body as { tools?: unknown }).tools, TOOLS);
    const out = await collect(await unifiedClient(deployed).chat.completions.create({ model: 'azure/gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }], tools: TOOLS, stream: true }));
    assert.equal(out.finish, 'tool_calls');
    assert.equal(out.name, 'get_weather');
    assert.deepEqual(JSON.parse(out.args), { city: 'Paris' });
  });

  test('embeddings on /ai go to the mapped deployment', async () => {
    const res = await unifiedClient(deployed).embeddings.create({ model: 'azure/text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' });
    assert.equal(res.data.length, 2);
    assert.deepEqual(res.data[1].embedding, [0.125, 0.75]);
    assert.equal(sim.requests.at(-1)?.path, '/openai/deployments/my-embed/embeddings?api-version=2024-10-21');
  });

  test('a prompt the content filter blocks is a 400 the SDK raises, naming the categories', async () => {
    const err = await chatError(routerClient(deployed), 'gpt-4o-mini', 'BLOCK_ME');
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.code, 'content_filter');
    assert.equal(err.param, 'prompt');
    assert.match(err.message, /blocked by Azure OpenAI's content filter \(jailbreak, violence \(high\)\)/);
  });

  test('an answer the filter cuts ends with finish_reason content_filter, streaming or not', async () => {
    const res = await routerClient(deployed).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'CUT_ME' }] });
    assert.equal(res.choices[0].finish_reason, 'content_filter');
    const out = await collect(await routerClient(deployed).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'CUT_ME' }], stream: true }));
    assert.equal(out.finish, 'content_filter');
    assert.equal(out.text, 'Once upon');
  });

  test('429 is a RateLimitError with the retry hint', async () => {
    const err = await chatError(routerClient(deployed), 'gpt-4o-mini', 'SLOW_DOWN');
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.headers.get('retry-after'), '7');
    assert.match(err.message, /exceeded token rate limit/);
  });

  test('a model with no deployment is a 404 that says where deployments are configured', async () => {
    const err = await chatError(unifiedClient(deployed), 'azure/gpt-4.1', 'hi');
    assert.ok(err instanceof OpenAI.NotFoundError, String(err));
    assert.equal(err.code, 'DeploymentNotFound');
    assert.match(err.message, /providers\.azure\.deployments/);
    assert.equal(sim.requests.at(-1)?.path, '/openai/deployments/gpt-4.1/chat/completions?api-version=2024-10-21');
  });
});

describe('passthrough', () => {
  test("/azure/… relays Azure's own paths with the gateway's key instead of the client's", async () => {
    const res = await fetch(`${deployed.url}/azure/openai/deployments/my-mini/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': 'client-key-must-not-pass', authorization: 'Bearer client-token' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as OpenAI.ChatCompletion).choices[0].message.content, 'Bonjour from Azure ✓');
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.path, '/openai/deployments/my-mini/chat/completions?api-version=2024-10-21');
    assert.equal(upstream?.headers['api-key'], KEY);
    assert.equal(upstream?.headers.authorization, undefined);
  });
});

describe('v1 API', () => {
  test('chat and streams go to /openai/v1 with the model as sent, key from AZURE_API_KEY', async () => {
    const res = await routerClient(v1).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0].message.content, 'Bonjour from Azure ✓');
    const upstream = sim.requests.at(-1);
    assert.equal(upstream?.path, '/openai/v1/chat/completions');
    assert.equal(upstream?.headers['api-key'], KEY);
    assert.equal((upstream?.body as { model?: string }).model, 'gpt-4o');
    const out = await collect(await unifiedClient(v1).chat.completions.create({ model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    assert.equal(out.text, 'Bonjour from Azure ✓');
    assert.equal(sim.requests.at(-1)?.path, '/openai/v1/chat/completions');
  });
});

describe('end to end through dist', () => {
  test('the built gateway streams from Azure and never prints the key', async () => {
    const gw = await startGateway({
      config: `providers:\n  azure:\n    base-url: "${sim.url}"\n    deployments: { gpt-4o-mini: my-mini }\n${ROUTER}`,
      env: { AZURE_OPENAI_API_KEY: KEY },
    });
    try {
      const out = await collect(
        await routerClient(gw).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
      );
      assert.equal(out.text, 'Bonjour from Azure ✓');
      assert.equal(out.usage?.total_tokens, 23);
      assert.equal(sim.requests.at(-1)?.path, '/openai/deployments/my-mini/chat/completions?api-version=2024-10-21');
      assert.ok(!gw.output().includes(KEY), 'the key must not be printed');
      assert.match(gw.output(), /azure/);
    } finally {
      await gw.stop();
    }
  });
});
