import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.js';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { decodeResponsesRequest } from '../../../src/ingress/openai-responses/decode.js';
import { encodeResponsesResponse } from '../../../src/ingress/openai-responses/encode.js';
import { responsesErrorResponse } from '../../../src/ingress/openai-responses/errors.js';
import { ResponsesStreamEncoder } from '../../../src/ingress/openai-responses/stream-encoder.js';
import { completion } from './responses-server.js';

const context = (body: Record<string, unknown> = {}) => decodeResponsesRequest(Buffer.from(JSON.stringify({ model: 'm', input: 'x', ...body }))).responses;
const ID = 'resp_00ff';

interface Event { event: string; data: Record<string, unknown> & { type: string; sequence_number: number } }

/** Splits SSE text into events, checking the framing of each. */
function events(sse: string): Event[] {
  assert.ok(sse.endsWith('\n\n'));
  return sse.slice(0, -2).split('\n\n').map((block) => {
    const m = /^event: (\S+)\ndata: (.*)$/.exec(block);
    assert.ok(m, `framing: ${block}`);
    const data = JSON.parse(m[2]!) as Event['data'];
    assert.equal(data.type, m[1]);
    return { event: m[1]!, data };
  });
}

const base = { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
const delta = (d: ChatCompletionChunk['choices'][number]['delta'] & { reasoning_content?: string }, finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null): ChatCompletionChunk =>
  ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] });

describe('encodeResponsesResponse', () => {
  test('reasoning, text and calls become reasoning, message and function_call items', () => {
    const c = completion('m-2024', { role: 'assistant', content: 'Calling', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }], reasoning_content: 'think' } as never, 'tool_calls');
    const r = encodeResponsesResponse(c, { id: ID, model: 'm', created: 5, context: context({ instructions: 'i', tools: [{ type: 'function', name: 'f' }], temperature: 1 }) });
    assert.equal(r.model, 'm-2024');
    assert.equal(r.created_at, 5);
    assert.equal(r.status, 'completed');
    assert.equal(r.instructions, 'i');
    assert.equal(r.temperature, 1);
    assert.deepEqual(r.tools, [{ type: 'function', name: 'f' }]);
    assert.deepEqual(r.text, { format: { type: 'text' } });
    assert.deepEqual(r.output, [
      { type: 'reasoning', id: 'rs_00ff_0', summary: [{ type: 'summary_text', text: 'think' }] },
      { type: 'message', id: 'msg_00ff_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Calling', annotations: [], logprobs: [] }] },
      { type: 'function_call', id: 'fc_00ff_2', call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' },
    ]);
    assert.equal('output_text' in r, false, 'the SDK computes output_text');
  });

  test('content_filter leaves the response incomplete with that reason', () => {
    const r = encodeResponsesResponse(completion('m', { role: 'assistant', content: '' }, 'content_filter'), { id: ID, model: 'm', context: context() });
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.incomplete_details, { reason: 'content_filter' });
  });
});

describe('ResponsesStreamEncoder', () => {
  test('reasoning then text: the full typed sequence, numbered from 0', () => {
    const enc = new ResponsesStreamEncoder({ id: ID, model: 'm', created: 7, context: context({ stream: true }) });
    let sse = enc.chunk(delta({ role: 'assistant', content: '' }));
    sse += enc.chunk(delta({ reasoning_content: 'hm' }));
    sse += enc.chunk(delta({ content: 'He' }));
    sse += enc.chunk(delta({ content: 'y "you"' }));
    sse += enc.chunk(delta({}, 'stop'));
    sse += enc.chunk({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, completion_tokens_details: { reasoning_tokens: 1 } } });
    sse += enc.end();
    const evs = events(sse);
    assert.deepEqual(evs.map((e) => e.event), [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    assert.deepEqual(evs.map((e) => e.data.sequence_number), evs.map((_, i) => i));
    assert.deepEqual(evs[10]!.data, { type: 'response.output_text.delta', sequence_number: 10, item_id: 'msg_00ff_1', output_index: 1, content_index: 0, delta: 'He', logprobs: [] });
    assert.equal(evs[12]!.data.text, 'Hey "you"');
    const done = evs.at(-1)!.data.response as Record<string, unknown>;
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.usage, { input_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 7 });
    assert.equal((done.output as unknown[]).length, 2);
    assert.deepEqual(enc.response(), done);
    assert.equal(enc.chunk(delta({ content: 'late' })), '', 'nothing after the end');
    assert.equal(enc.end(), '');
  });

  test('text then two interleaved tool calls; a cut-off stream ends with response.incomplete', () => {
    const enc = new ResponsesStreamEncoder({ id: ID, model: 'm', context: context() });
    let sse = enc.chunk(delta({ content: 'ok' }));
    sse += enc.chunk(delta({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'a', arguments: '{"x"' } }] }));
    sse += enc.chunk(delta({ tool_calls: [{ index: 1, id: 'c1', type: 'function', function: { name: 'b', arguments: '{' } }] }));
    sse += enc.chunk(delta({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }, { index: 1, function: { arguments: '}' } }] }));
    sse += enc.chunk(delta({}, 'length'));
    sse += enc.end();
    const evs = events(sse);
    const final = evs.at(-1)!;
    assert.equal(final.event, 'response.incomplete');
    const response = final.data.response as { status: string; incomplete_details: unknown; output: Array<Record<string, unknown>> };
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
    assert.deepEqual(response.output.map((o) => [o.type, o.arguments ?? null]), [['message', null], ['function_call', '{"x":1}'], ['function_call', '{}']]);
    assert.deepEqual(response.output.map((o) => o.status), ['completed', 'incomplete', 'incomplete'], 'the text had ended; the calls were cut off');
    const argDone = evs.filter((e) => e.event === 'response.function_call_arguments.done').map((e) => [e.data.output_index, e.data.arguments]);
    assert.deepEqual(argDone, [[1, '{"x":1}'], [2, '{}']]);
    // The message closed before the first call was added.
    const order = evs.map((e) => `${e.event}@${String(e.data.output_index ?? '')}`);
    assert.ok(order.indexOf('response.output_item.done@0') < order.indexOf('response.output_item.added@1'));
  });

  test('an error before anything was sent still opens the response, then fails it', () => {
    const enc = new ResponsesStreamEncoder({ id: ID, model: 'm', context: context() });
    const evs = events(enc.error(new GatewayError({ status: 429, message: 'slow down' })));
    assert.deepEqual(evs.map((e) => e.event), ['response.created', 'response.in_progress', 'response.failed', 'error']);
    assert.deepEqual(evs[3]!.data, { type: 'error', sequence_number: 3, code: 'rate_limit_error', message: 'slow down', param: null });
    assert.equal(enc.end(), '');
  });
});

describe('responsesErrorResponse', () => {
  test("OpenAI's error shape with the status and retry-after kept", () => {
    const e = new GatewayError({ status: 429, message: 'too many', retryAfter: 3, code: 'rate_limit_exceeded' });
    assert.deepEqual(responsesErrorResponse(e), { status: 429, body: { error: { message: 'too many', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '3' } });
    assert.deepEqual(responsesErrorResponse(new GatewayError({ status: 400, message: 'bad', param: 'input' })), { status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: 'input', code: null } } });
  });
});
