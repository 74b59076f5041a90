/**
 * The official openai client against Gemini, Bedrock, Mistral and Ollama through the gateway:
 * translated requests, answers, streams, tool calls, embeddings and errors; and the seed config
 * balancing one model name across OpenAI, Anthropic and Gemini.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { startGeminiSimulator, type GeminiSimulator } from '../simulators/gemini.js';
import { startBedrockSimulator, type BedrockSimulator } from '../simulators/bedrock.js';
import { startMistralSimulator, type MistralSimulator } from '../simulators/mistral.js';
import { startOllamaSimulator, type OllamaSimulator } from '../simulators/ollama.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { SEED_CONFIG } from '../helpers/seed-config.js';

const KEYS = {
  openai: 'test-openai-key-native-1111',
  anthropic: 'test-anthropic-key-native-2222',
  gemini: 'test-gemini-key-native-3333',
  mistral: 'test-mistral-key-native-4444',
  awsId: 'test-access-key-id-5555',
  awsSecret: 'test-aws-secret-native-6666',
};
const REGION = 'us-west-2';
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let gemini: GeminiSimulator;
let bedrock: BedrockSimulator;
let mistral: MistralSimulator;
let ollama: OllamaSimulator;
let openaiSim: OpenAISimulator;
let anthropic: AnthropicSimulator;
let gw: GatewayProcess;

const client = (): OpenAI => new OpenAI({ baseURL: `${gw.url}/ai`, apiKey: 'client', maxRetries: 0 });

const TOOLS: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let finish: string | null = null;
  let role: string | undefined;
  let usage: OpenAI.CompletionUsage | null | undefined;
  const calls = new Map<number, { id?: string; name?: string; args: string }>();
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    role ??= choice?.delta?.role;
    text += choice?.delta?.content ?? '';
    finish = choice?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
    for (const call of choice?.delta?.tool_calls ?? []) {
      const entry = calls.get(call.index) ?? { args: '' };
      entry.id ??= call.id;
      entry.name ??= call.function?.name;
      entry.args += call.function?.arguments ?? '';
      calls.set(call.index, entry);
    }
  }
  return { text, finish, role, usage, calls };
}

before(async () => {
  gemini = await startGeminiSimulator({ apiKey: KEYS.gemini });
  bedrock = await startBedrockSimulator({ accessKeyId: KEYS.awsId, secretAccessKey: KEYS.awsSecret, region: REGION });
  mistral = await startMistralSimulator({ apiKey: KEYS.mistral });
  ollama = await startOllamaSimulator();
  openaiSim = await startOpenAISimulator({ apiKey: KEYS.openai });
  anthropic = await startAnthropicSimulator({ apiKey: KEYS.anthropic });
  gw = await startGateway({
    config: `
providers:
  openai: { base-url: "${openaiSim.url}" }
  anthropic: { base-url: "${anthropic.url}" }
  gemini: { base-url: "${gemini.url}/" }
  bedrock: { base-url: "${bedrock.url}" }
  mistral: { base-url: "${mistral.url}" }
  ollama: { base-url: "${ollama.url}" }
${SEED_CONFIG}  claude-first:
    load-balance:
      chat:
        strategy: weighted
        providers: [{ provider: anthropic, weight: 1 }, { provider: openai, weight: 0.000001 }]
`,
    env: {
      OPENAI_API_KEY: KEYS.openai,
      ANTHROPIC_API_KEY: KEYS.anthropic,
      GEMINI_API_KEY: KEYS.gemini,
      MISTRAL_API_KEY: KEYS.mistral,
      AWS_ACCESS_KEY_ID: KEYS.awsId,
      AWS_SECRET_ACCESS_KEY: KEYS.awsSecret,
      AWS_REGION: REGION,
    },
  });
});

after(async () => {
  await gw?.stop();
  await Promise.all([gemini, bedrock, mistral, ollama, openaiSim, anthropic].map((s) => s?.close()));
});

describe('gemini', () => {
  test('non-streaming with a system prompt and an image', async () => {
    const res = await client().chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: PIXEL } }] },
      ],
    });
    assert.ok(res.choices[0].message.content);
    const upstream = gemini.requests.at(-1);
    assert.equal(upstream?.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(upstream?.headers['x-goog-api-key'], KEYS.gemini);
    const body = upstream?.body as { systemInstruction?: unknown; contents: Array<{ parts: unknown[] }> };
    assert.ok(JSON.stringify(body.systemInstruction).includes('Be brief.'));
    assert.ok(JSON.stringify(body.contents).includes('inlineData'));
  });

  test('streaming text with usage', async () => {
    const out = await collect(
      await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    );
    assert.equal(out.role, 'assistant');
    assert.ok(out.text.length > 10);
    assert.equal(out.finish, 'stop');
    assert.equal(out.usage?.total_tokens, (out.usage?.prompt_tokens ?? 0) + (out.usage?.completion_tokens ?? 0));
    assert.match(gemini.requests.at(-1)?.path ?? '', /:streamGenerateContent\?alt=sse$/);
  });

  test('streaming tool call', async () => {
    const out = await collect(await client().chat.completions.create({ model: 'gemini/gemini-3-pro-preview', messages: [{ role: 'user', content: 'weather?' }], tools: TOOLS, stream: true }));
    assert.equal(out.finish, 'tool_calls');
    const call = out.calls.get(0);
    assert.ok(call?.id && call.name);
    assert.doesNotThrow(() => JSON.parse(call?.args ?? ''));
  });

  test('an http image URL is refused with a 400 naming the part', async () => {
    await assert.rejects(
      client().chat.completions.create({
        model: 'gemini/gemini-2.5-flash',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && /image_url/.test(String(err.param ?? err.message)),
    );
  });

  test('a 429 keeps its retry hint', async () => {
    gemini.setNext({ kind: 'error', status: 429, body: gemini.recorded429 });
    await assert.rejects(client().chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.headers?.get('retry-after'), '35');
      return true;
    });
  });

  test('embeddings (base64, as the SDK asks by default)', async () => {
    const res = await client().embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['a', 'b'] });
    assert.equal(res.data.length, 2);
    assert.ok(res.data[0].embedding.length > 0);
  });
});

describe('bedrock', () => {
  test('non-streaming: signed with SigV4, system prompt kept', async () => {
    const res = await client().chat.completions.create({
      model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    assert.ok(res.choices[0].message.content);
    const upstream = bedrock.requests.at(-1);
    assert.equal(upstream?.signatureValid, true, upstream?.signatureProblem);
    assert.match(upstream?.path ?? '', /^\/model\/us\.anthropic\.claude-haiku-4-5-20251001-v1%3A0\/converse$/);
    assert.ok(JSON.stringify(upstream?.json).includes('Be brief.'));
  });

  test('streaming over the binary event stream', async () => {
    const out = await collect(
      await client().chat.completions.create({
        model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    assert.equal(out.role, 'assistant');
    assert.ok(out.text.length > 10);
    assert.equal(out.finish, 'stop');
    assert.ok((out.usage?.total_tokens ?? 0) > 0);
    assert.equal(bedrock.requests.at(-1)?.signatureValid, true);
  });

  test('streaming tool use', async () => {
    const out = await collect(
      await client().chat.completions.create({ model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', messages: [{ role: 'user', content: 'weather?' }], tools: TOOLS, stream: true }),
    );
    assert.equal(out.finish, 'tool_calls');
    assert.doesNotThrow(() => JSON.parse(out.calls.get(0)?.args ?? ''));
  });

  test('throttling → 429 with retry-after', async () => {
    bedrock.setNext({ kind: 'throttle', retryAfter: 3 });
    await assert.rejects(client().chat.completions.create({ model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.headers?.get('retry-after'), '3');
      return true;
    });
  });

  test('an exception frame mid-stream ends the stream with an error', async () => {
    bedrock.setNext({ kind: 'stream-exception' });
    const stream = await client().chat.completions.create({ model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await assert.rejects(collect(stream));
  });

  test('Titan embeddings: one call per input, merged in order', async () => {
    const res = await client().embeddings.create({ model: 'bedrock/amazon.titan-embed-text-v2:0', input: 'hello', encoding_format: 'float' });
    assert.ok(res.data[0].embedding.length > 0);
    assert.equal(bedrock.requests.at(-1)?.signatureValid, true);
    const before = bedrock.requests.length;
    const many = await client().embeddings.create({ model: 'bedrock/amazon.titan-embed-text-v2:0', input: ['a', 'b', 'c'] });
    assert.deepEqual(many.data.map((d) => d.index), [0, 1, 2]);
    const calls = bedrock.requests.slice(before);
    assert.equal(calls.length, 3);
    assert.deepEqual(calls.map((c) => (c.json as { inputText: string }).inputText).sort(), ['a', 'b', 'c']);
    assert.ok(calls.every((c) => c.signatureValid));
  });

  test('passthrough to a native Bedrock path is signed too', async () => {
    const res = await fetch(`${gw.url}/bedrock/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(bedrock.requests.at(-1)?.signatureValid, true);
  });
});

describe('mistral', () => {
  test('tool-call ids from other providers are rewritten to 9 characters', async () => {
    const res = await client().chat.completions.create({
      model: 'mistral/mistral-small-latest',
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_abcdefghijklmnop', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_abcdefghijklmnop', content: '18C' },
      ],
      tools: TOOLS,
    });
    assert.ok(res.choices[0]);
    const body = mistral.requests.at(-1)?.body as { messages: Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }> };
    const id = body.messages[1].tool_calls?.[0].id ?? '';
    assert.match(id, /^[a-zA-Z0-9]{9}$/);
    assert.equal(body.messages[2].tool_call_id, id);
  });

  test('streamed tool calls get index and type', async () => {
    const out = await collect(await client().chat.completions.create({ model: 'mistral/mistral-small-latest', messages: [{ role: 'user', content: 'weather?' }], tools: TOOLS, stream: true }));
    assert.equal(out.finish, 'tool_calls');
    assert.ok(out.calls.get(0)?.name);
  });

  test('embeddings', async () => {
    const res = await client().embeddings.create({ model: 'mistral/mistral-embed', input: ['x', 'y'] });
    assert.equal(res.data.length, 2);
  });
});

describe('ollama', () => {
  test('no auth header, streaming works', async () => {
    const out = await collect(await client().chat.completions.create({ model: 'ollama/llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    assert.ok(out.text.length > 0);
    assert.equal(ollama.requests.at(-1)?.headers.authorization, undefined);
  });

  test('an unknown model says to pull it', async () => {
    await assert.rejects(client().chat.completions.create({ model: 'ollama/not-pulled', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.match(err.message, /ollama pull/);
      return true;
    });
  });

  test('embeddings', async () => {
    const res = await client().embeddings.create({ model: 'ollama/nomic-embed-text', input: 'x' });
    assert.equal(res.data.length, 1);
  });
});

describe('the seed config', () => {
  test('gpt-4o-mini succeeds whichever provider is picked, each receiving a model it serves', async () => {
    const router = new OpenAI({ baseURL: `${gw.url}/router/my-router`, apiKey: 'client', maxRetries: 0 });
    const before = { openai: openaiSim.requests.length, anthropic: anthropic.requests.length, gemini: gemini.requests.length };
    const served = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const { response, data } = await router.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      assert.equal(data.object, 'chat.completion');
      served.add(response.headers.get('x-ai-gateway-provider') ?? '');
    }
    for (const r of openaiSim.requests.slice(before.openai)) assert.equal(JSON.parse(r.body).model, 'gpt-4o-mini');
    for (const r of anthropic.requests.slice(before.anthropic)) assert.equal((r.body as { model: string }).model, 'claude-haiku-4-5');
    for (const r of gemini.requests.slice(before.gemini)) assert.match(r.path, /gemini-2\.5-flash/);
    assert.ok(served.size >= 2, `traffic spread over ${[...served].join(', ')}`);
  });
});

describe('fallback across dialects', () => {
  test('an Anthropic stream that opens with an error event falls back to OpenAI before the first byte', async () => {
    anthropic.setNext({ kind: 'stream-error', afterEvents: 0, type: 'overloaded_error' });
    const router = new OpenAI({ baseURL: `${gw.url}/router/claude-first`, apiKey: 'client', maxRetries: 0 });
    const before = openaiSim.requests.length;
    const { data, response } = await router.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })
      .withResponse();
    const out = await collect(data);
    assert.equal(response.headers.get('x-ai-gateway-provider'), 'openai');
    assert.equal(response.headers.get('x-ai-gateway-attempts'), '2');
    assert.ok(out.text.length > 0);
    assert.equal(openaiSim.requests.length, before + 1);
  });
});

describe('isolation', () => {
  test('no key appears in the gateway output', () => {
    const output = gw.output();
    for (const key of Object.values(KEYS)) assert.ok(!output.includes(key), `key ${key.slice(0, 12)}… leaked`);
  });
});
