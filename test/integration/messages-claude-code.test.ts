/**
 * Claude Code's requests (test/fixtures/anthropic-messages/claude-code-request.json: streaming,
 * a long system prompt with cache_control, ten tools, thinking, metadata, tool results) through a
 * router whose provider is OpenAI, Gemini or Bedrock, with the router's model mapping sending
 * `claude-sonnet-4-5` to that provider's model — and through `my-router` (all three), reached the
 * way `ANTHROPIC_BASE_URL=http://host/router/my-router` makes Claude Code reach it. Checks the
 * Anthropic event sequence that comes back, the translated request the provider got (system
 * text, tools, tool results; cache_control and metadata dropped, not refused), and count_tokens
 * on the same body.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { anthropicClient, assertMessagesEventSequence, parseSse, recordingFetch } from '../helpers/messages-sdk.js';
import { startFleet, type Fleet } from '../helpers/messages-providers.js';

type Body = Record<string, unknown>;
const REQUEST = JSON.parse(await readFile(new URL('../fixtures/anthropic-messages/claude-code-request.json', import.meta.url), 'utf8')) as {
  model: string;
  system: Array<{ text: string }>;
  tools: Array<{ name: string; description: string }>;
  metadata: { user_id: string };
  messages: Array<{ content: Array<{ type: string; signature?: string; id?: string; content?: unknown }> }>;
} & Body;
const TOOL_NAMES = REQUEST.tools.map((t) => t.name);
const SYSTEM_START = REQUEST.system[1].text.slice(0, 200);
const SIGNATURE = REQUEST.messages[1].content.find((b) => b.type === 'thinking')?.signature ?? 'missing';
/** Headers Claude Code sends besides the SDK's own. */
const CLAUDE_CODE_HEADERS = {
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
  'x-app': 'cli',
  'anthropic-dangerous-direct-browser-access': 'true',
};

const MODELS = { openai: 'gpt-4o-mini', gemini: 'gemini-2.5-flash', bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' };
type Target = keyof typeof MODELS;

let fleet: Fleet;
let gw: InProcessGateway;

before(async () => {
  fleet = await startFleet();
  const routers = (Object.keys(MODELS) as Target[])
    .map((p) => `  cc-${p}:\n    load-balance:\n      chat: { strategy: latency, providers: [${p}] }\n    model-mappings:\n      claude-sonnet-4-5: [${p}/${MODELS[p]}]\n`)
    .join('');
  gw = await startInProcess({
    config: fleet.config(`${routers}  my-router:
    load-balance:
      chat: { strategy: latency, providers: [openai, gemini, bedrock] }
    model-mappings:
      claude-sonnet-4-5: [openai/${MODELS.openai}, gemini/${MODELS.gemini}, bedrock/${MODELS.bedrock}]
`),
    env: fleet.env,
    seed: 3,
  });
});

after(async () => {
  await gw?.close();
  await fleet?.close();
});

/** Sends the Claude Code request as Claude Code does (SDK stream, its headers); returns the wire events and the SDK's message. */
async function sendClaudeCode(base: string) {
  const rec = recordingFetch();
  const client = anthropicClient(base, rec.fetch);
  const stream = client.messages.stream(REQUEST as unknown as Anthropic.MessageStreamParams, { headers: CLAUDE_CODE_HEADERS });
  const message = await stream.finalMessage();
  const wire = await rec.calls[0].response;
  assert.equal(wire.status, 200);
  assert.match(wire.headers.get('content-type') ?? '', /^text\/event-stream/);
  return { message, wire, events: parseSse(wire.body.toString('utf8')) };
}

/** The provider's latest request body, in its own dialect. */
function upstreamBody(target: Target): Body {
  if (target === 'openai') return JSON.parse(fleet.openai.requests.at(-1)?.body ?? '{}') as Body;
  if (target === 'gemini') return fleet.gemini.requests.at(-1)?.body as Body;
  return fleet.bedrock.requests.at(-1)?.json as Body;
}

/** The system text, the tool names and the tool results the provider got, read from its dialect. */
function readTranslated(target: Target, body: Body): { system: string; tools: string[]; results: string[] } {
  if (target === 'openai') {
    const messages = body.messages as Array<{ role: string; content: unknown; tool_call_id?: string }>;
    return {
      system: messages.filter((m) => m.role === 'system').map((m) => JSON.stringify(m.content)).join(''),
      tools: (body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name),
      results: messages.filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content)),
    };
  }
  if (target === 'gemini') {
    const contents = body.contents as Array<{ parts: Array<{ functionResponse?: unknown }> }>;
    return {
      system: JSON.stringify(body.systemInstruction),
      tools: (body.tools as Array<{ functionDeclarations?: Array<{ name: string }> }>).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name)),
      results: contents.flatMap((c) => c.parts.filter((p) => p.functionResponse).map((p) => JSON.stringify(p.functionResponse))),
    };
  }
  const messages = body.messages as Array<{ content: Array<{ toolResult?: unknown }> }>;
  return {
    system: JSON.stringify(body.system),
    tools: ((body.toolConfig as { tools: Array<{ toolSpec?: { name: string } }> }).tools ?? []).flatMap((t) => (t.toolSpec ? [t.toolSpec.name] : [])),
    results: messages.flatMap((m) => m.content.filter((b) => b.toolResult).map((b) => JSON.stringify(b.toolResult))),
  };
}

/** JSON text with escapes undone, so a search for prompt text works whatever the dialect's quoting. */
const plain = (json: string): string => json.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\"/g, '"');

for (const target of Object.keys(MODELS) as Target[]) {
  describe(`Claude Code → ${target}`, () => {
    test('the stream is a well-formed Anthropic event sequence', async () => {
      const { message, wire, events } = await sendClaudeCode(`${gw.url}/router/cc-${target}`);
      assert.equal(wire.headers.get('x-ai-gateway-provider'), target);
      const summary = assertMessagesEventSequence(events);
      assert.equal(summary.model, REQUEST.model, 'message_start names the model Claude Code asked for');
      assert.equal(summary.stopReason, 'tool_use', 'the simulators answer a tool request with a tool call');
      assert.ok(typeof summary.startUsage.input_tokens === 'number', 'message_start carries usage');
      assert.ok(typeof summary.usage.output_tokens === 'number' && (summary.usage.output_tokens as number) > 0);
      assert.equal(message.stop_reason, 'tool_use');
      const toolUse = message.content.find((b) => b.type === 'tool_use');
      assert.ok(toolUse && typeof toolUse.input === 'object', JSON.stringify(message.content));
    });

    test('the provider got a correct translation; cache_control, metadata and thinking signatures were dropped', async () => {
      const body = upstreamBody(target);
      const translated = readTranslated(target, body);
      assert.ok(plain(translated.system).includes(SYSTEM_START), `system text upstream: ${translated.system.slice(0, 300)}`);
      assert.ok(plain(translated.system).includes("You are Claude Code, Anthropic's official CLI for Claude."));
      assert.deepEqual(translated.tools, TOOL_NAMES, 'all ten tools, in order');
      assert.equal(translated.results.length, 2, 'both tool results');
      assert.ok(plain(translated.results[0]).includes("export { main } from './main.js';"), translated.results[0]);
      assert.ok(plain(translated.results[1]).includes('expected 2, got 3'), translated.results[1]);
      const text = JSON.stringify(body);
      assert.ok(!text.includes('cache_control') && !text.includes('ephemeral'), 'cache_control dropped');
      assert.ok(!text.includes(REQUEST.metadata.user_id), "metadata.user_id dropped (longer than OpenAI's 64-character user)");
      assert.ok(!text.includes(SIGNATURE), "thinking blocks (bound to Claude by their signature) dropped");
      if (target === 'openai') {
        assert.equal(body.model, MODELS.openai);
        assert.equal(body.stream, true);
        assert.deepEqual(body.stream_options, { include_usage: true });
        const messages = body.messages as Array<{ role: string; tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
        const calls = messages.find((m) => m.tool_calls)?.tool_calls?.map((c) => c.id);
        assert.deepEqual(messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id), calls, 'each result answers its call');
        assert.equal(body.metadata, undefined);
      }
      if (target === 'gemini') assert.match(fleet.gemini.requests.at(-1)?.path ?? '', new RegExp(`/models/${MODELS.gemini}:streamGenerateContent\\?alt=sse`));
      if (target === 'bedrock') assert.equal(fleet.bedrock.requests.at(-1)?.path, `/model/${encodeURIComponent(MODELS.bedrock)}/converse-stream`);
    });
  });
}

describe('ANTHROPIC_BASE_URL=http://host/router/my-router', () => {
  test('the SDK with that baseURL reaches the router and streams an answer from one of its providers', async () => {
    const before = { openai: fleet.openai.requests.length, gemini: fleet.gemini.requests.length, bedrock: fleet.bedrock.requests.length };
    const rec = recordingFetch();
    const client = anthropicClient(`${gw.url}/router/my-router`, rec.fetch);
    const message = await client.messages.stream(REQUEST as unknown as Anthropic.MessageStreamParams, { headers: CLAUDE_CODE_HEADERS }).finalMessage();
    assert.equal(new URL(rec.calls[0].url).pathname, '/router/my-router/v1/messages');
    const wire = await rec.calls[0].response;
    const provider = wire.headers.get('x-ai-gateway-provider') as Target;
    assert.ok(provider in MODELS, String(provider));
    assert.equal(fleet[provider].requests.length, before[provider] + 1);
    assertMessagesEventSequence(parseSse(wire.body.toString('utf8')));
    assert.equal(message.model, REQUEST.model);
  });

  test('the beta API Claude Code calls (`/v1/messages?beta=true`, and count_tokens likewise) is served the same', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${gw.url}/router/my-router/v1/${path}?beta=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...CLAUDE_CODE_HEADERS },
        body: JSON.stringify(body),
      });
    const streamed = await post('messages', REQUEST);
    assert.equal(streamed.status, 200);
    assert.match(streamed.headers.get('content-type') ?? '', /^text\/event-stream/);
    assertMessagesEventSequence(parseSse(await streamed.text()));
    const { max_tokens: _max, stream: _stream, ...countable } = REQUEST;
    const counted = await post('messages/count_tokens', countable);
    assert.equal(counted.status, 200);
    const viaSdk = await anthropicClient(`${gw.url}/router/my-router`).messages.countTokens(countable as unknown as Anthropic.MessageCountTokensParams);
    assert.deepEqual(await counted.json(), { input_tokens: viaSdk.input_tokens });
  });

  test('count_tokens on the same body: estimated, no provider asked, the same with or without the fields it ignores', async () => {
    const before = fleet.openai.requests.length + fleet.gemini.requests.length + fleet.bedrock.requests.length + fleet.anthropic.requests.length;
    const client = anthropicClient(`${gw.url}/router/my-router`);
    const whole = await client.messages.countTokens(REQUEST as unknown as Anthropic.MessageCountTokensParams);
    const { max_tokens: _max, stream: _stream, metadata: _metadata, temperature: _temperature, ...countable } = REQUEST;
    const trimmed = await client.messages.countTokens(countable as unknown as Anthropic.MessageCountTokensParams);
    assert.equal(fleet.openai.requests.length + fleet.gemini.requests.length + fleet.bedrock.requests.length + fleet.anthropic.requests.length, before);
    assert.equal(whole.input_tokens, trimmed.input_tokens);
    // ~10 KB of English prompt and JSON schemas: thousands of tokens, with the tool-use preamble.
    const bytes = Buffer.byteLength(JSON.stringify(countable));
    assert.ok(whole.input_tokens > bytes / 8 && whole.input_tokens < bytes / 2, `${whole.input_tokens} tokens for ${bytes} bytes`);
    const perProvider = await anthropicClient(`${gw.url}/router/cc-gemini`).messages.countTokens(countable as unknown as Anthropic.MessageCountTokensParams);
    assert.equal(perProvider.input_tokens, whole.input_tokens);
  });
});
