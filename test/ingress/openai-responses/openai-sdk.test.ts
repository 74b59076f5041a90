/**
 * The official openai client against the codec's output, served locally: what it parses from
 * JSON answers and event streams, and the bodies it posts, decoded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { NotFoundError, BadRequestError } from 'openai';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { completion, startResponsesServer, textChunks, toolChunks, type Answer, type ResponsesServer } from './responses-server.js';

let server: ResponsesServer;
let client: OpenAI;
let next: Answer;

before(async () => {
  server = await startResponsesServer(() => next);
  client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
});
after(() => server.close());

const weatherTool = { type: 'function' as const, name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true };

describe('responses.create (JSON answers)', () => {
  test('text, usage and the echoed request fields', async () => {
    next = { completion: completion('gpt-4o-mini', { role: 'assistant', content: 'Hello there' }) };
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hello', instructions: 'Be brief', temperature: 0.5, metadata: { team: 'a' } });
    assert.equal(r.output_text, 'Hello there');
    assert.match(r.id, /^resp_[0-9a-f]{48}$/);
    assert.equal(r.status, 'completed');
    assert.equal(r.instructions, 'Be brief');
    assert.equal(r.temperature, 0.5);
    assert.deepEqual(r.metadata, { team: 'a' });
    assert.deepEqual(r.usage, { input_tokens: 12, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 17 });
    const sent = server.seen.at(-1)!.request;
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Say hello' }]);
    assert.equal(sent.temperature, 0.5);
    assert.equal(sent.metadata, undefined, 'metadata tags the Response; it is not sent to the provider');
  });

  test('a cut-off answer is incomplete with the reason', async () => {
    next = { completion: completion('m', { role: 'assistant', content: 'Once upon' }, 'length') };
    const r = await client.responses.create({ model: 'm', input: 'story', max_output_tokens: 3 });
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(r.output_text, 'Once upon');
    assert.equal(server.seen.at(-1)!.request.max_completion_tokens, 3);
  });

  test('function calls come back as function_call items; the follow-up posts them back', async () => {
    next = { completion: completion('m', { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls') };
    const first = await client.responses.create({ model: 'm', input: 'Weather in Paris?', tools: [weatherTool], tool_choice: 'auto' });
    const call = first.output.find((o) => o.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.equal(call.call_id, 'call_1');
    assert.equal(call.arguments, '{"city":"Paris"}');
    assert.equal(first.output_text, '');
    assert.deepEqual(server.seen.at(-1)!.request.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.parameters, strict: true } }]);

    next = { completion: completion('m', { role: 'assistant', content: 'Sunny, 21°C' }) };
    const second = await client.responses.create({
      model: 'm',
      store: false,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp":21}' },
      ],
      tools: [weatherTool],
    });
    assert.equal(second.output_text, 'Sunny, 21°C');
    assert.equal((second as unknown as { store: boolean }).store, false);
    assert.deepEqual(server.seen.at(-1)!.request.messages, [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    ]);
    assert.equal(server.store.conversation(second.id), undefined, 'store: false keeps nothing');
  });

  test('text.format json_schema, reasoning.effort and tool_choice by name, as the SDK posts them', async () => {
    next = { completion: completion('m', { role: 'assistant', content: '{"name":"Ann"}' }) };
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    const r = await client.responses.create({
      model: 'm',
      input: [{ role: 'developer', content: 'Extract' }, { role: 'user', content: [{ type: 'input_text', text: 'I am Ann' }, { type: 'input_image', image_url: 'data:image/png;base64,AA==', detail: 'low' }] }],
      text: { format: { type: 'json_schema', name: 'person', schema, strict: true } },
      reasoning: { effort: 'low' },
      tools: [weatherTool],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
    });
    assert.deepEqual(r.text?.format, { type: 'json_schema', name: 'person', schema, strict: true });
    const sent = server.seen.at(-1)!.request;
    assert.deepEqual(sent.response_format, { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } });
    assert.equal(sent.reasoning_effort, 'low');
    assert.deepEqual(sent.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    assert.equal(sent.parallel_tool_calls, false);
    assert.deepEqual(sent.messages[1], { role: 'user', content: [{ type: 'text', text: 'I am Ann' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==', detail: 'low' } }] });
  });

  test('previous_response_id continues a conversation held by the store', async () => {
    next = { completion: completion('m', { role: 'assistant', content: 'Nice to meet you, Ann.' }) };
    const first = await client.responses.create({ model: 'm', input: 'My name is Ann.', instructions: 'first instructions' });
    next = { completion: completion('m', { role: 'assistant', content: 'Ann.' }) };
    const second = await client.responses.create({ model: 'm', input: 'What is my name?', previous_response_id: first.id, instructions: 'second instructions' });
    assert.equal(second.previous_response_id, first.id);
    assert.deepEqual(server.seen.at(-1)!.request.messages, [
      { role: 'system', content: 'second instructions' },
      { role: 'user', content: 'My name is Ann.' },
      { role: 'assistant', content: 'Nice to meet you, Ann.' },
      { role: 'user', content: 'What is my name?' },
    ]);
  });

  test('an unknown previous_response_id is the SDK NotFoundError with OpenAI code and param', async () => {
    const err = await client.responses.create({ model: 'm', input: 'hi', previous_response_id: 'resp_nope' }).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError, String(err));
    assert.equal(err.status, 404);
    assert.equal(err.code, 'previous_response_not_found');
    assert.equal(err.param, 'previous_response_id');
    assert.equal(err.message, "404 Previous response with id 'resp_nope' not found.");
  });

  test('a built-in tool is a BadRequestError naming the tool', async () => {
    const err = await client.responses.create({ model: 'm', input: 'hi', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e);
    assert.ok(err instanceof BadRequestError, String(err));
    assert.equal(err.param, 'tools[0].type');
    assert.match(err.message, /web_search/);
  });
});

describe('streaming', () => {
  test('responses.stream: deltas, finalResponse with text and usage', async () => {
    next = { chunks: textChunks('gpt-4o-mini', ['Hel', 'lo', ' world']) };
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    assert.deepEqual(deltas, ['Hel', 'lo', ' world']);
    assert.equal(final.output_text, 'Hello world');
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.usage, { input_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 18 });
    const sent = server.seen.at(-1)!.request;
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.equal(server.store.conversation(final.id)?.items.length, 2, 'a streamed answer is stored too');
  });

  test('for await over stream: true sees every event in order with increasing sequence numbers', async () => {
    next = { chunks: toolChunks('m', 'get_weather', ['{"ci', 'ty":"Rome"}']) };
    const events = await client.responses.create({ model: 'm', input: 'Weather in Rome?', tools: [weatherTool], stream: true });
    const types: string[] = [];
    const seq: number[] = [];
    let done: OpenAI.Responses.Response | undefined;
    for await (const e of events) {
      types.push(e.type);
      seq.push(e.sequence_number);
      if (e.type === 'response.completed') done = e.response;
    }
    assert.deepEqual(types, [
      'response.created', 'response.in_progress', 'response.output_item.added',
      'response.function_call_arguments.delta', 'response.function_call_arguments.delta',
      'response.function_call_arguments.done', 'response.output_item.done', 'response.completed',
    ]);
    assert.deepEqual(seq, types.map((_, i) => i));
    const call = done?.output[0];
    assert.ok(call?.type === 'function_call');
    assert.equal(call.arguments, '{"city":"Rome"}');
    assert.equal(call.call_id, 'call_abc');
    assert.equal(done?.usage?.total_tokens, 29);
  });

  test('a failure mid-stream: response.failed then error, which the SDK raises', async () => {
    next = { chunks: textChunks('m', ['partial']).slice(0, 2), failWith: new GatewayError({ status: 502, message: 'upstream went away', code: 'upstream_error' }) };
    const stream = client.responses.stream({ model: 'm', input: 'hi' });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    stream.on('event', (e) => events.push(e));
    const err = await stream.finalResponse().catch((e: unknown) => e);
    assert.deepEqual(err, { type: 'error', sequence_number: events.length - 1, code: 'upstream_error', message: 'upstream went away', param: null });
    const failed = events.at(-2);
    assert.ok(failed?.type === 'response.failed');
    assert.equal(failed.response.status, 'failed');
    assert.deepEqual(failed.response.error, { code: 'upstream_error', message: 'upstream went away' });
    assert.equal(failed.response.output.length, 1, 'what was streamed so far stays in the failed response');
    assert.equal(server.store.conversation(failed.response.id), undefined, 'failed responses are not kept');
  });
});
