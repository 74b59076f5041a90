import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeCountTokensRequest, decodeMessagesRequest, reasoningEffortFor } from '../../../src/ingress/anthropic-messages/index.js';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { MAX_JSON_DEPTH } from '../../../src/ingress/openai-chat/field-checks.js';

const decode = (body: unknown) => decodeMessagesRequest(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
const BASE = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown, param: string | null, code?: string): GatewayError {
  let caught: unknown;
  try {
    decode(body);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof GatewayError, `expected a GatewayError for ${JSON.stringify(body).slice(0, 120)}`);
  assert.equal(caught.status, 400);
  assert.equal(caught.type, 'invalid_request_error');
  assert.equal(caught.param, param);
  if (code) assert.equal(caught.code, code);
  return caught;
}

describe('Anthropic Messages request decoding', () => {
  test('a Claude Code turn (cache_control, thinking, tools, tool results, metadata) decodes without refusal', () => {
    const raw = readFileSync(new URL('../../fixtures/anthropic-messages/claude-code-request.json', import.meta.url));
    const { request, anthropic } = decodeMessagesRequest(raw, { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' });
    assert.deepEqual(anthropic, {
      model: 'claude-sonnet-4-5-20250929',
      stream: true,
      version: '2023-06-01',
      beta: 'claude-code-20250219,interleaved-thinking-2025-05-14',
      thinking: 'enabled',
      thinkingBudget: 31999,
    });
    assert.equal(request.model, 'claude-sonnet-4-5-20250929');
    assert.equal(request.max_tokens, 32000);
    assert.equal(request.stream, true);
    assert.deepEqual(request.stream_options, { include_usage: true });
    assert.equal(request.user, undefined, "Claude Code's user id is longer than OpenAI's `user` takes");
    assert.equal(request.tool_choice, 'auto');
    assert.equal(request.tools?.length, 10);
    assert.deepEqual(Object.keys(request.tools![9]!.function), ['name', 'parameters', 'description']);
    assert.equal(request.reasoning_effort, undefined, 'thinking is not forced on models that cannot think');
    const roles = request.messages.map((m) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'tool', 'tool', 'user']);
    const system = request.messages[0]!.content as string;
    assert.ok(system.startsWith("You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are Claude Code"));
    const assistant = request.messages[2]!;
    assert.equal(assistant.content, "I'll read the file.");
    assert.deepEqual(Object.keys(assistant), ['role', 'content', 'tool_calls'], 'thinking is not replayed to other providers');
    assert.deepEqual(assistant.tool_calls?.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments) as unknown]), [
      ['toolu_01A09q90qw90lq917835lq9', 'Read', { file_path: '/repo/src/index.ts' }],
      ['toolu_01B19q90qw90lq917835lq0', 'Bash', { command: 'npm test 2>&1 | tail -20', description: 'Run the tests' }],
    ]);
    assert.equal(request.messages[3]!.tool_call_id, 'toolu_01A09q90qw90lq917835lq9');
    assert.equal(request.messages[4]!.content, 'Error: FAIL test/main.test.ts\n  expected 2, got 3');
    assert.equal(request.messages[5]!.content, '<system-reminder>Todo list is empty.</system-reminder>');
    assert.ok(!JSON.stringify(request).includes('cache_control'), 'cache hints are dropped');
  });

  test('maps tool_choice, stop sequences, sampling, images and structured output', () => {
    const { request } = decode({
      ...BASE,
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
      tools: [{ name: 'look', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'look', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'u-42' },
      service_tier: 'auto',
      cache_control: { type: 'ephemeral' },
      speed: 'fast',
      inference_geo: 'us',
      output_format: { type: 'json_schema', schema: { type: 'object' } },
    });
    assert.deepEqual(request.messages[0], { role: 'system', content: 'Be brief.' });
    assert.deepEqual(request.messages[1]!.content, [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      { type: 'text', text: 'What is this?' },
    ]);
    assert.deepEqual(request.tool_choice, { type: 'function', function: { name: 'look' } });
    assert.equal(request.parallel_tool_calls, false);
    assert.deepEqual(request.stop, ['END']);
    assert.equal(request.temperature, 0.2);
    assert.equal(request.top_p, 0.9);
    assert.equal(request.top_k, 40, 'left to the parameter policy, per provider');
    assert.equal(request.user, 'u-42');
    assert.equal(request.stream, undefined);
    assert.equal(request.service_tier, undefined);
    assert.deepEqual(request.response_format, { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } });
    assert.equal(decode({ ...BASE, tool_choice: { type: 'any' } }).request.tool_choice, 'required');
    assert.equal(decode({ ...BASE, tool_choice: { type: 'none' } }).request.tool_choice, 'none');
  });

  test('a tool result with an image puts the image in a user message after the tool messages', () => {
    const { request } = decode({
      ...BASE,
      messages: [
        { role: 'user', content: 'look' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'screenshot', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'done' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
            { type: 'tool_result', tool_use_id: 't1' },
          ],
        },
      ],
    });
    assert.deepEqual(request.messages.slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'screenshot', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'done' },
      { role: 'tool', tool_call_id: 't1', content: '' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
    ]);
  });

  test('thinking budgets map to an effort the pipeline may apply', () => {
    assert.deepEqual(decode({ ...BASE, thinking: { type: 'disabled' } }).anthropic, { model: BASE.model, stream: false });
    const adaptive = decode({ ...BASE, thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } });
    assert.deepEqual(adaptive.anthropic, { model: BASE.model, stream: false, thinking: 'adaptive', effort: 'high' });
    assert.equal(adaptive.request.reasoning_effort, undefined);
    assert.equal(reasoningEffortFor(1024), 'low');
    assert.equal(reasoningEffortFor(8000), 'medium');
    assert.equal(reasoningEffortFor(31999), 'high');
  });

  test('count_tokens bodies need no max_tokens and never stream', () => {
    const { request } = decodeCountTokensRequest(Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true })));
    assert.equal(request.max_tokens, undefined);
    assert.equal(request.stream, undefined);
  });

  test('bad input is a 400 naming the field', () => {
    refusal('{"model":', null, 'invalid_json');
    refusal({ ...BASE, model: 7 }, 'model', 'invalid_type');
    refusal({ model: 'm', messages: BASE.messages }, 'max_tokens', 'missing_required_parameter');
    refusal({ ...BASE, max_tokens: 0 }, 'max_tokens', 'invalid_value');
    refusal({ ...BASE, max_tokens: 1.5 }, 'max_tokens', 'invalid_type');
    refusal({ ...BASE, messages: [] }, 'messages', 'invalid_value');
    refusal({ ...BASE, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role', 'invalid_value');
    refusal({ ...BASE, messages: [{ role: 'user' }] }, 'messages[0].content', 'missing_required_parameter');
    refusal({ ...BASE, messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] }, 'messages[0].content[0].text', 'invalid_type');
    refusal({ ...BASE, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] }, 'messages[0].content[0].source.type', 'invalid_value');
    refusal({ ...BASE, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }, 'messages[0].content[0].tool_use_id', 'missing_required_parameter');
    refusal({ ...BASE, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: '{}' }] }] }, 'messages[0].content[0].input', 'invalid_type');
    refusal({ ...BASE, system: [{ type: 'image' }] }, 'system[0].type', 'invalid_value');
    refusal({ ...BASE, system: 5 }, 'system', 'invalid_type');
    refusal({ ...BASE, tools: [{ name: 'x' }] }, 'tools[0].input_schema', 'invalid_type');
    refusal({ ...BASE, tool_choice: { type: 'sometimes' } }, 'tool_choice.type', 'invalid_value');
    refusal({ ...BASE, tool_choice: { type: 'tool' } }, 'tool_choice.name', 'missing_required_parameter');
    refusal({ ...BASE, thinking: { type: 'enabled' } }, 'thinking.budget_tokens', 'missing_required_parameter');
    refusal({ ...BASE, thinking: { type: 'enabled', budget_tokens: 10 } }, 'thinking.budget_tokens', 'invalid_value');
    refusal({ ...BASE, temperature: 1.5 }, 'temperature', 'invalid_value');
    refusal({ ...BASE, stop_sequences: 'END' }, 'stop_sequences', 'invalid_type');
    refusal({ ...BASE, metadata: { user_id: 5 } }, 'metadata.user_id', 'invalid_type');
    refusal({ ...BASE, stream: 'yes' }, 'stream', 'invalid_type');
    refusal({ ...BASE, temprature: 1 }, 'temprature');
    refusal({ ...BASE, messages: [{ role: 'user', content: 'a\ud800' }] }, 'messages[0].content', 'invalid_unicode');
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const toolUse = `{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":${deep}}]}]}`;
    assert.equal(refusal(toolUse, 'messages[0].content[0].input' + '.a'.repeat(MAX_JSON_DEPTH - 5)).code, 'nesting_too_deep');
  });

  test('what would change the answer and has no equivalent elsewhere is refused by name', () => {
    const e = refusal({ ...BASE, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type', 'unsupported_parameter');
    assert.match(e.message, /web_search_20250305.*not supported when this route leads to a provider other than Anthropic/);
    refusal({ ...BASE, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://x/a.pdf' } }] }] }, 'messages[0].content[0].type', 'unsupported_parameter');
    refusal({ ...BASE, messages: [{ role: 'assistant', content: [{ type: 'server_tool_use', id: 'a', name: 'web_search', input: {} }] }] }, 'messages[0].content[0].type', 'unsupported_parameter');
    refusal({ ...BASE, mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'x' }] }, 'mcp_servers', 'unsupported_parameter');
    refusal({ ...BASE, container: 'c1' }, 'container', 'unsupported_parameter');
    refusal({ ...BASE, output_config: { task_budget: 100 } }, 'output_config.task_budget', 'unsupported_parameter');
  });
});
