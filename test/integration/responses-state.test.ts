/**
 * `previous_response_id` for responses the gateway created by translation: the next turn reaches
 * the provider with the earlier turn in its history (the question, the answer, a tool call and
 * its result), whether the earlier response was streamed or not; an id the gateway does not hold
 * is OpenAI's 404 `previous_response_not_found`, and `store: false` keeps nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, lastUpstream, startFleet, type Fleet } from '../helpers/responses-fleet.js';

let fleet: Fleet;
let client: OpenAI;

before(async () => {
  fleet = await startFleet();
  client = new OpenAI({ baseURL: `${fleet.gw.url}/ai/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
});
after(() => fleet?.close());

const WEATHER = { type: 'function' as const, name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false };

type AnthropicMessage = { role: string; content: string | Array<{ type: string; text?: string; id?: string; tool_use_id?: string; content?: unknown }> };
const textOf = (m: AnthropicMessage): string => (typeof m.content === 'string' ? m.content : m.content.map((b) => b.text ?? '').join(''));

async function notFound(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.NotFoundError>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${String(err)}`);
  return err;
}

describe('previous_response_id', () => {
  test('a second turn via Anthropic: the provider sees the first question and answer before the new one', async () => {
    const anthropic = fleet.target('anthropic');
    const first = await client.responses.create({ model: anthropic.model, input: 'My name is Ann (state-turn-1).', instructions: 'first instructions' });
    assert.ok(first.output_text.length > 0);
    const second = await client.responses.create({ model: anthropic.model, input: 'What is my name?', previous_response_id: first.id, instructions: 'second instructions' });
    assert.equal(second.status, 'completed');
    assert.equal(second.previous_response_id, first.id);
    assert.notEqual(second.id, first.id);
    const body = lastUpstream(anthropic).body as { system?: unknown; messages: AnthropicMessage[] };
    assert.deepEqual(
      body.messages.map((m) => [m.role, textOf(m)]),
      [
        ['user', 'My name is Ann (state-turn-1).'],
        ['assistant', first.output_text],
        ['user', 'What is my name?'],
      ],
    );
    const system = JSON.stringify(body.system ?? null);
    assert.ok(system.includes('second instructions') && !system.includes('first instructions'), `instructions do not carry over: ${system}`);
  });

  test('three turns chain: each continues the one before it', async () => {
    const anthropic = fleet.target('anthropic');
    const one = await client.responses.create({ model: anthropic.model, input: 'chain-one' });
    const two = await client.responses.create({ model: anthropic.model, input: 'chain-two', previous_response_id: one.id });
    await client.responses.create({ model: anthropic.model, input: 'chain-three', previous_response_id: two.id });
    const body = lastUpstream(anthropic).body as { messages: AnthropicMessage[] };
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user'],
    );
    assert.deepEqual([0, 2, 4].map((i) => textOf(body.messages[i]!)), ['chain-one', 'chain-two', 'chain-three']);
  });

  test('a streamed response via Gemini is stored too and can be continued', async () => {
    const gemini = fleet.target('gemini');
    const stream = client.responses.stream({ model: gemini.model, input: 'Remember: blue (state-stream-1).' });
    const first = await stream.finalResponse();
    const second = await client.responses.create({ model: gemini.model, input: 'Which colour?', previous_response_id: first.id });
    assert.equal(second.previous_response_id, first.id);
    const contents = (lastUpstream(gemini).body as { contents: Array<{ role: string; parts: Array<{ text?: string }> }> }).contents;
    assert.deepEqual(contents.map((c) => c.role), ['user', 'model', 'user']);
    assert.equal(contents[0]!.parts.map((p) => p.text ?? '').join(''), 'Remember: blue (state-stream-1).');
    assert.equal(contents[1]!.parts.map((p) => p.text ?? '').join(''), first.output_text);
  });

  test('a tool loop via Bedrock: the follow-up sends only function_call_output; the call comes from the stored response', async () => {
    const bedrock = fleet.target('bedrock');
    const first = await client.responses.create({ model: bedrock.model, input: 'Weather in Paris?', tools: [WEATHER], tool_choice: { type: 'function', name: 'weather' } });
    const call = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
    assert.ok(call, JSON.stringify(first.output));
    const second = await client.responses.create({
      model: bedrock.model,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"forecast":"state-sunny-marker"}' }],
      tools: [WEATHER],
    });
    assert.equal(second.status, 'completed');
    const messages = (lastUpstream(bedrock).body as { messages: Array<{ role: string; content: Array<Record<string, { toolUseId?: string }>> }> }).messages;
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user']);
    const toolUse = messages[1]!.content.find((b) => b.toolUse)?.toolUse;
    const toolResult = messages[2]!.content.find((b) => b.toolResult)?.toolResult;
    assert.ok(toolUse && toolResult, JSON.stringify(messages));
    assert.equal(toolResult.toolUseId, toolUse.toolUseId);
    assert.ok(JSON.stringify(toolResult).includes('state-sunny-marker'));
  });

  test('continued on OpenAI, a response made via Anthropic is translated (only the gateway holds it): chat with the history', async () => {
    const first = await client.responses.create({ model: fleet.target('anthropic').model, input: 'cross-provider-turn-1' });
    const before = fleet.openai.requests.length;
    const second = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'cross-provider-turn-2', previous_response_id: first.id });
    assert.equal(second.previous_response_id, first.id);
    assert.equal(second.output_text, 'Hello from the simulator.', "the simulator's chat answer, as a Response");
    assert.equal(fleet.openai.requests.length, before + 1);
    const up = lastUpstream(fleet.target('openai'));
    assert.equal(up.path, '/v1/chat/completions');
    assert.deepEqual(up.body.messages, [
      { role: 'user', content: 'cross-provider-turn-1' },
      { role: 'assistant', content: first.output_text },
      { role: 'user', content: 'cross-provider-turn-2' },
    ]);
  });

  test('an unknown id is a 404 NotFoundError with code previous_response_not_found; nothing is sent upstream', async () => {
    const anthropic = fleet.target('anthropic');
    const before = anthropic.requests().length;
    const err = await notFound(client.responses.create({ model: anthropic.model, input: 'hi', previous_response_id: 'resp_never_issued_0123456789' }));
    assert.equal(err.status, 404);
    assert.equal(err.code, 'previous_response_not_found');
    assert.equal(err.param, 'previous_response_id');
    assert.equal(err.type, 'invalid_request_error');
    assert.match(err.message, /resp_never_issued_0123456789/);
    assert.equal(anthropic.requests().length, before, 'the provider is not called');
  });

  test('the raw 404 body is exactly OpenAI-shaped', async () => {
    const res = await fetch(`${fleet.gw.url}/ai/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/claude-haiku-4-5', input: 'hi', previous_response_id: 'resp_unknown_raw' }),
    });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: Record<string, unknown> };
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.param, 'previous_response_id');
    assert.equal(body.error.code, 'previous_response_not_found');
    assert.equal(typeof body.error.message, 'string');
  });

  test('store: false keeps nothing: continuing it is a 404, streamed or not', async () => {
    const mistral = fleet.target('mistral');
    const kept = await client.responses.create({ model: mistral.model, input: 'not kept', store: false });
    assert.equal((kept as unknown as { store: boolean }).store, false);
    const err = await notFound(client.responses.create({ model: mistral.model, input: 'next', previous_response_id: kept.id }));
    assert.equal(err.code, 'previous_response_not_found');

    const stream = client.responses.stream({ model: mistral.model, input: 'not kept either', store: false });
    const streamed = await stream.finalResponse();
    assert.equal((streamed as unknown as { store: boolean }).store, false);
    await notFound(client.responses.create({ model: mistral.model, input: 'next', previous_response_id: streamed.id }));
  });
});
