import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { decodeResponsesRequest, parseResponsesRequest } from '../../../src/ingress/openai-responses/decode.js';
import { ResponseStore } from '../../../src/ingress/openai-responses/response-store.js';
import type { ResponsesContext } from '../../../src/ingress/openai-responses/types.js';

const decode = (body: unknown, store?: ResponseStore) => decodeResponsesRequest(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), store);

function refusal(body: unknown, param: string | null, code?: string | null, status = 400): GatewayError {
  let caught: unknown;
  try {
    decode(body);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof GatewayError, `expected a GatewayError for ${JSON.stringify(body).slice(0, 100)}`);
  assert.equal(caught.status, status);
  assert.equal(caught.param, param);
  if (code !== undefined) assert.equal(caught.code, code);
  return caught;
}

describe('Responses request decoding', () => {
  test('a string input is one user message; instructions come first as a system message', () => {
    const { request, responses } = decode({ model: 'm', input: 'hi', instructions: 'be brief' });
    assert.deepEqual(request, { model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    assert.equal(responses.store, true);
    assert.deepEqual(responses.input, [{ type: 'message', role: 'user', content: 'hi' }]);
  });

  test('every mapped parameter', () => {
    const { request, responses } = decode({
      model: 'm',
      input: [{ type: 'message', role: 'user', content: 'q' }],
      max_output_tokens: 100,
      temperature: 0.3,
      top_p: 0.9,
      parallel_tool_calls: false,
      reasoning: { effort: 'high', summary: 'auto' },
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      stream: true,
      store: false,
      user: 'u1',
      safety_identifier: 's1',
      prompt_cache_key: 'k1',
      service_tier: 'auto',
      metadata: { a: 'b' },
      include: ['reasoning.encrypted_content'],
      truncation: 'auto',
      stream_options: { include_obfuscation: false },
    });
    assert.deepEqual(request, {
      model: 'm',
      messages: [{ role: 'user', content: 'q' }],
      response_format: { type: 'json_object' },
      verbosity: 'low',
      reasoning_effort: 'high',
      max_completion_tokens: 100,
      temperature: 0.3,
      top_p: 0.9,
      parallel_tool_calls: false,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u1',
      safety_identifier: 's1',
      prompt_cache_key: 'k1',
      service_tier: 'auto',
    });
    assert.equal(responses.store, false);
    assert.deepEqual(responses.echo.metadata, { a: 'b' });
    assert.deepEqual(responses.echo.reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(responses.echo.truncation, 'auto');
  });

  test('items: messages of every role, parts, calls merged onto the assistant turn, outputs, reasoning dropped', () => {
    const { request } = decode({
      model: 'm',
      input: [
        { role: 'developer', content: 'dev' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'sys' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'https://x/y.png', detail: 'high' }, { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,AA==' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }] },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Checking', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{"x":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'tw' }, { type: 'input_text', text: 'o' }] },
        { type: 'function_call_output', call_id: 'c3', output: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'data:image/png;base64,AA==' }] },
      ],
    });
    assert.deepEqual(request.messages, [
      { role: 'developer', content: 'dev' },
      { role: 'system', content: [{ type: 'text', text: 'sys' }] },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'high' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,AA==', filename: 'a.pdf' } }] },
      { role: 'assistant', content: 'Checking', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"x":1}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
      { role: 'tool', tool_call_id: 'c3', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] },
    ]);
  });

  test('tools and every tool_choice form', () => {
    const tools = [{ type: 'function', name: 'f', description: 'd', parameters: { type: 'object' }, strict: false }, { type: 'function', name: 'g', parameters: null }];
    const chatTools = [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: false } }, { type: 'function', function: { name: 'g' } }];
    assert.deepEqual(decode({ model: 'm', input: 'x', tools }).request.tools, chatTools);
    for (const choice of ['auto', 'none', 'required'] as const) assert.equal(decode({ model: 'm', input: 'x', tools, tool_choice: choice }).request.tool_choice, choice);
    assert.deepEqual(decode({ model: 'm', input: 'x', tools, tool_choice: { type: 'function', name: 'g' } }).request.tool_choice, { type: 'function', function: { name: 'g' } });
    const allowed = decode({ model: 'm', input: 'x', tools, tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'g' }] } }).request;
    assert.equal(allowed.tool_choice, 'required');
    assert.deepEqual(allowed.tools, [chatTools[1]]);
  });

  test('text.format json_schema and text', () => {
    const schema = { type: 'object', properties: {} };
    assert.deepEqual(decode({ model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'r', schema, strict: true, description: 'd' } } }).request.response_format, { type: 'json_schema', json_schema: { name: 'r', schema, strict: true, description: 'd' } });
    assert.equal(decode({ model: 'm', input: 'x', text: { format: { type: 'text' } } }).request.response_format, undefined);
  });

  test('bad shapes are 400s naming the field, in OpenAI words', () => {
    refusal({ input: 'x' }, 'model', 'missing_required_parameter');
    refusal({ model: 'm' }, 'input', 'missing_required_parameter');
    refusal({ model: 'm', input: 5 }, 'input', 'invalid_type');
    assert.equal(refusal({ model: 'm', input: 'x', temperature: 'hot' }, 'temperature', 'invalid_type').message, "Invalid type for 'temperature': expected a number, but got a string instead.");
    refusal({ model: 'm', input: 'x', max_output_tokens: 1.5 }, 'max_output_tokens', 'invalid_type');
    refusal({ model: 'm', input: 'x', top_p: 3 }, 'top_p', 'invalid_value');
    refusal({ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_value');
    refusal({ model: 'm', input: [{ role: 'user' }] }, 'input[0].content', 'missing_required_parameter');
    refusal({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 3 }] }] }, 'input[0].content[0].text', 'invalid_type');
    refusal({ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }, 'input[0].arguments', 'missing_required_parameter');
    refusal({ model: 'm', input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id', 'missing_required_parameter');
    refusal({ model: 'm', input: [{ content: 'x' }] }, 'input[0].type', 'missing_required_parameter');
    refusal({ model: 'm', input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name', 'missing_required_parameter');
    refusal({ model: 'm', input: 'x', tool_choice: 'always' }, 'tool_choice', 'invalid_value');
    refusal({ model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'r' } } }, 'text.format.schema', 'missing_required_parameter');
    refusal({ model: 'm', input: 'x', text: { format: { type: 'yaml' } } }, 'text.format.type', 'invalid_value');
    refusal({ model: 'm', input: 'x', metadata: { a: 1 } }, 'metadata.a', 'invalid_type');
    refusal('{"model":"m","input":"x"', 'input', 'invalid_json');
  });

  test('unknown parameters and what a translation cannot honour are refused by name', () => {
    assert.equal(refusal({ model: 'm', input: 'x', frequency_penalty: 1 }, 'frequency_penalty', 'unknown_parameter').message, "Unknown parameter: 'frequency_penalty'.");
    assert.match(refusal({ model: 'm', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type', 'unsupported_parameter').message, /built-in tool 'web_search'/);
    refusal({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }, { type: 'file_search', vector_store_ids: ['v'] }] }, 'tools[1].type', 'unsupported_parameter');
    refusal({ model: 'm', input: 'x', tool_choice: { type: 'web_search_preview' } }, 'tool_choice.type', 'unsupported_parameter');
    refusal({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', 'unsupported_parameter');
    refusal({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', 'unsupported_parameter');
    refusal({ model: 'm', input: [{ type: 'computer_call_output', call_id: 'c', output: {} }] }, 'input[0].type', 'unsupported_parameter');
    refusal({ model: 'm', input: 'x', background: true }, 'background', 'unsupported_parameter');
    refusal({ model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation', 'unsupported_parameter');
    refusal({ model: 'm', input: 'x', prompt: { id: 'pmpt_1' } }, 'prompt', 'unsupported_parameter');
  });

  test('an unknown or missing previous response is a 404; an unknown item_reference too', () => {
    refusal({ model: 'm', input: 'x', previous_response_id: 'resp_x' }, 'previous_response_id', 'previous_response_not_found', 404);
    assert.throws(() => decode({ model: 'm', input: 'x', previous_response_id: 'resp_x' }, new ResponseStore()), (e: GatewayError) => e.status === 404 && e.message === "Previous response with id 'resp_x' not found.");
    refusal({ model: 'm', input: [{ type: 'item_reference', id: 'msg_x' }] }, 'input[0].id', null, 404);
  });

  test('history from the store comes before the input, item references resolve', () => {
    const store = new ResponseStore();
    const first = decode({ model: 'm', input: 'My name is Ann', instructions: 'old' }, store);
    store.save('resp_1', first.responses, [{ type: 'message', id: 'msg_1_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hi Ann', annotations: [] }] }], 100);
    const { request, responses } = decode({ model: 'm', input: 'Name?', previous_response_id: 'resp_1' }, store);
    assert.deepEqual(request.messages, [{ role: 'user', content: 'My name is Ann' }, { role: 'assistant', content: 'Hi Ann' }, { role: 'user', content: 'Name?' }]);
    assert.equal(responses.previousResponseId, 'resp_1');
    assert.equal(responses.history.length, 2);
    const byRef = decode({ model: 'm', input: [{ role: 'user', content: 'a' }, { type: 'item_reference', id: 'msg_1_0' }, { role: 'user', content: 'b' }] }, store);
    assert.deepEqual(byRef.request.messages[1], { role: 'assistant', content: 'Hi Ann' });
  });

  test('parseResponsesRequest checks without translating (a native route keeps built-in tools)', () => {
    const body = parseResponsesRequest(Buffer.from(JSON.stringify({ model: 'm', input: 'x', tools: [{ type: 'web_search' }], previous_response_id: 'resp_at_openai' })));
    assert.deepEqual(body.tools, [{ type: 'web_search' }]);
  });

  test('the context records this turn for the store', () => {
    const raw = Buffer.from(JSON.stringify({ model: 'm', input: 'hello' }));
    const ctx: ResponsesContext = decodeResponsesRequest(raw).responses;
    assert.equal(ctx.inputBytes, raw.length);
    assert.equal(ctx.historyBytes, 0);
    assert.equal(ctx.previousResponseId, null);
  });
});
