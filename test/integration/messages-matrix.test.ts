/**
 * The official Anthropic SDK through the gateway's Messages ingress, against every provider
 * simulator that serves chat (one single-provider router each): `messages.create` with text,
 * `messages.stream` with a tool (the tool_use block assembled from input_json_delta, stop_reason
 * tool_use), and the follow-up turn carrying the tool_result — checked on the client side and in
 * the request the simulator received (translated, or byte passthrough to Anthropic).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { startInProcess, type InProcessGateway } from '../helpers/in-process.js';
import { anthropicClient, assertMessagesEventSequence, parseSse, recordingFetch, WEATHER_TOOL } from '../helpers/messages-sdk.js';
import { providerCases, startFleet, type Fleet, type ProviderCase } from '../helpers/messages-providers.js';

const TOOL_RESULT = 'MATRIX-RESULT 18 degrees and sunny';
const cases = await providerCases();

let fleet: Fleet;
let gw: InProcessGateway;

before(async () => {
  fleet = await startFleet();
  gw = await startInProcess({ config: fleet.config(), env: fleet.env });
});

after(async () => {
  await gw?.close();
  await fleet?.close();
});

/** Everything the upstream request says, as one string (system, messages, tools in any dialect). */
const upstreamText = (c: ProviderCase): string => JSON.stringify(c.lastBody(fleet));

/** The first turn's answer, kept for the tool_result turn. */
const firstTurns = new Map<string, Anthropic.Message>();

for (const c of cases) {
  describe(`${c.name} (${c.passthrough ? 'passthrough' : 'translated'})`, () => {
    test('messages.create with text', async () => {
      const client = anthropicClient(`${gw.url}/router/r-${c.name}`);
      const before = c.count(fleet);
      const { data: message, response } = await client.messages
        .create({ model: c.model, max_tokens: 200, system: 'Answer in one short sentence.', messages: [{ role: 'user', content: 'Say hello to the matrix.' }] })
        .withResponse();
      assert.equal(c.count(fleet), before + 1, 'one request upstream');
      assert.equal(response.headers.get('x-ai-gateway-provider'), c.provider);
      assert.equal(message.type, 'message');
      assert.equal(message.role, 'assistant');
      assert.match(message.id, /^msg_/);
      assert.equal(message.stop_reason, 'end_turn');
      const text = message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
      assert.ok(text.length > 0, JSON.stringify(message.content));
      assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, JSON.stringify(message.usage));
      if (!c.passthrough) assert.equal(message.model, c.model, 'the model the client named');
      if (c.name === 'vertex-claude') {
        // Claude on Vertex takes the Messages body itself: the model moves to the URL, Vertex's version joins.
        const upstream = c.lastBody(fleet) as Record<string, unknown>;
        assert.equal(upstream.anthropic_version, 'vertex-2023-10-16');
        assert.equal(upstream.model, undefined);
        assert.equal(upstream.system, 'Answer in one short sentence.');
      }
      const sent = upstreamText(c);
      assert.ok(sent.includes('Answer in one short sentence.'), `system prompt upstream: ${sent}`);
      assert.ok(sent.includes('Say hello to the matrix.'), 'user text upstream');
    });

    test('messages.stream with a tool: tool_use assembled from input_json_delta, stop_reason tool_use', async () => {
      const rec = recordingFetch();
      const client = anthropicClient(`${gw.url}/router/r-${c.name}`, rec.fetch);
      const stream = client.messages.stream({
        model: c.model,
        max_tokens: 300,
        tools: [WEATHER_TOOL],
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      });
      const jsonDeltas: string[] = [];
      stream.on('inputJson', (partial) => jsonDeltas.push(partial));
      const message = await stream.finalMessage();
      assert.equal(message.stop_reason, 'tool_use');
      const toolUses = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.equal(toolUses.length, 1, JSON.stringify(message.content));
      assert.equal(toolUses[0].name, c.tool.name);
      assert.deepEqual(toolUses[0].input, c.tool.input);
      assert.match(toolUses[0].id, /\S/);
      assert.ok(jsonDeltas.length > 0, 'the input came in input_json_delta events');
      assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, `usage from message_start and message_delta: ${JSON.stringify(message.usage)}`);
      if (!c.passthrough) assert.equal(message.model, c.model);

      // The same stream on the wire: Anthropic's grammar, with the tool's JSON in its deltas.
      const wire = await rec.calls[0].response;
      assert.match(wire.headers.get('content-type') ?? '', /^text\/event-stream/);
      const summary = assertMessagesEventSequence(parseSse(wire.body.toString('utf8')));
      assert.equal(summary.stopReason, 'tool_use');
      const block = summary.blocks.find((b) => b.type === 'tool_use');
      assert.deepEqual(JSON.parse(block?.json ?? ''), c.tool.input);

      const sent = upstreamText(c);
      assert.ok(sent.includes('"weather"') && sent.includes('City name'), `the tool's name and schema upstream: ${sent}`);
      firstTurns.set(c.name, message);
    });

    test('the follow-up turn with a tool_result reaches the provider and is answered', async () => {
      const first = firstTurns.get(c.name);
      assert.ok(first, 'the streaming test ran first');
      const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      assert.ok(toolUse);
      const client = anthropicClient(`${gw.url}/router/r-${c.name}`);
      const message = await client.messages.create({
        model: c.model,
        max_tokens: 300,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { role: 'assistant', content: first.content.filter((b) => b.type === 'text' || b.type === 'tool_use') as Anthropic.ContentBlockParam[] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: TOOL_RESULT }] },
        ],
      });
      assert.equal(message.type, 'message');
      assert.ok(message.content.length > 0);
      assert.ok(['end_turn', 'tool_use'].includes(String(message.stop_reason)), String(message.stop_reason));

      const body = c.lastBody(fleet);
      const sent = JSON.stringify(body);
      assert.ok(sent.includes(TOOL_RESULT), `the tool result upstream: ${sent}`);
      assert.ok(sent.includes(c.tool.name), 'the earlier call is in the history');
      if (c.passthrough) {
        const last = (body as { messages: Array<{ content: Array<{ type: string; tool_use_id?: string }> }> }).messages.at(-1);
        assert.equal(last?.content[0].type, 'tool_result');
        assert.equal(last?.content[0].tool_use_id, toolUse.id);
      } else if (['openai', 'mistral', 'ollama', 'azure'].includes(c.provider)) {
        // OpenAI's dialect: the assistant's call and a `tool` message answering it, by id.
        const messages = (body as { messages: Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string } }>; content?: unknown }> }).messages;
        const call = messages.find((m) => m.role === 'assistant')?.tool_calls?.[0];
        assert.equal(call?.function.name, c.tool.name);
        const result = messages.find((m) => m.role === 'tool');
        assert.ok(result, JSON.stringify(messages));
        assert.equal(result.tool_call_id, call?.id, 'the tool message answers the call by its id');
        assert.ok(JSON.stringify(result.content).includes(TOOL_RESULT));
      }
    });
  });
}
