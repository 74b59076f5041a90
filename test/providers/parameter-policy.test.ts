/**
 * The parameter table, cell by cell, against the adapters as the gateway uses them (through the
 * registry): a refused parameter is a 400 `unsupported_parameter` naming it, its neutral value
 * passes, a dropped one never reaches the upstream body, a forwarded one arrives as sent, a
 * mapped one is accepted. And the README's table is this table.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChatRequest } from '../../src/core/chat-types.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { CHAT_PARAMETERS } from '../../src/ingress/openai-chat/check-chat-request.js';
import { ADAPTER_KINDS, PARAMETERS, UNKNOWN_PARAMETERS, type ParameterFamily, type ParameterRule } from '../../src/providers/parameter-policy.js';
import { adapterFor } from '../../src/providers/registry.js';
import type { ChatTarget } from '../../src/providers/types.js';

const MODELS: Record<ParameterFamily, string> = {
  'openai-compatible': 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  gemini: 'gemini-2.5-flash',
  bedrock: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  mistral: 'mistral-small-latest',
  ollama: 'llama3.2',
};

const TOOLS = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: {} } } }];

/** A value of each parameter that asks for something (not its neutral value), within every mapping's limits. */
const SAMPLES: Record<string, Partial<ChatRequest>> = {
  stream: { stream: true },
  stream_options: { stream: true, stream_options: { include_usage: true } },
  tools: { tools: TOOLS },
  tool_choice: { tools: TOOLS, tool_choice: 'auto' },
  parallel_tool_calls: { tools: TOOLS, parallel_tool_calls: false },
  max_tokens: { max_tokens: 5 },
  max_completion_tokens: { max_completion_tokens: 5 },
  temperature: { temperature: 0.5 },
  top_p: { top_p: 0.5 },
  n: { n: 2 },
  stop: { stop: ['x'] },
  presence_penalty: { presence_penalty: 0.5 },
  frequency_penalty: { frequency_penalty: 0.5 },
  seed: { seed: 7 },
  logprobs: { logprobs: true },
  top_logprobs: { logprobs: false, top_logprobs: 2 },
  logit_bias: { logit_bias: { '50256': -100 } },
  response_format: { response_format: { type: 'json_object' } },
  user: { user: 'user-1' },
  reasoning_effort: { reasoning_effort: 'low' },
  metadata: { metadata: { team: 'a' } },
  store: { store: true },
  service_tier: { service_tier: 'flex' },
  prompt_cache_key: { prompt_cache_key: 'k' },
  safety_identifier: { safety_identifier: 's' },
  prediction: { prediction: { type: 'content', content: 'x' } },
  modalities: { modalities: ['text', 'audio'] },
  audio: { audio: { voice: 'alloy', format: 'mp3' } },
  web_search_options: { web_search_options: {} },
  verbosity: { verbosity: 'low' },
  functions: { functions: [{ name: 'f' }] },
  function_call: { function_call: 'auto' },
};

/** The neutral value of each parameter that has one. */
const NEUTRAL: Record<string, Partial<ChatRequest>> = {
  parallel_tool_calls: { tools: TOOLS, parallel_tool_calls: true },
  n: { n: 1 },
  presence_penalty: { presence_penalty: 0 },
  frequency_penalty: { frequency_penalty: 0 },
  logprobs: { logprobs: false },
  top_logprobs: { top_logprobs: 0 },
  logit_bias: { logit_bias: {} },
  reasoning_effort: { reasoning_effort: 'none' },
  modalities: { modalities: ['text'] },
};

function target(kind: ParameterFamily): ChatTarget {
  return {
    provider: { name: `my-${kind}`, adapter: adapterFor(kind), baseUrl: new URL('http://127.0.0.1:9/'), models: [], region: 'us-east-1' },
    model: MODELS[kind],
    stream: false,
    includeUsage: false,
    requestId: 'req-1',
    modelRewritten: true,
  };
}

/** Builds through the registry; returns the upstream JSON body, or the GatewayError thrown. */
function build(kind: ParameterFamily, fields: Partial<ChatRequest>): Record<string, unknown> | GatewayError {
  const req = { model: MODELS[kind], messages: [{ role: 'user' as const, content: 'hi' }], ...fields } as ChatRequest;
  try {
    const upstream = adapterFor(kind).chat.buildRequest(req, { ...target(kind), stream: req.stream === true });
    return JSON.parse(String(upstream.body)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
}

describe('the parameter table', () => {
  test('names every parameter the decoder knows, and has a sample for each', () => {
    assert.deepEqual([...PARAMETERS.keys()].sort(), [...CHAT_PARAMETERS].sort());
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...PARAMETERS.keys()].sort());
    for (const [param, rule] of PARAMETERS) assert.equal(NEUTRAL[param] !== undefined, rule.neutral !== undefined, `neutral sample of ${param}`);
  });

  for (const kind of ADAPTER_KINDS) {
    test(`${kind}: every cell behaves as the table says`, () => {
      for (const [param, rule] of PARAMETERS) {
        const treatment = rule.by[kind];
        const out = build(kind, SAMPLES[param]);
        if (treatment === 'refused') {
          assert.ok(out instanceof GatewayError, `${kind} should refuse ${param}`);
          assert.equal(out.status, 400);
          assert.equal(out.code, 'unsupported_parameter', `${param}: ${out.message}`);
          assert.equal(out.param, param);
          assert.match(out.message, new RegExp(`'${param}' is not supported by my-${kind}`));
          if (rule.neutral) {
            const neutral = build(kind, NEUTRAL[param]);
            assert.ok(!(neutral instanceof GatewayError), `${kind} accepts ${param} ${rule.neutral.text}: ${String(neutral instanceof GatewayError && neutral.message)}`);
            // Ollama gets the client's bytes as they are; its shim ignores these fields.
            if (kind !== 'ollama') assert.ok(!(param in neutral), `${kind} leaves neutral ${param} out`);
          }
          continue;
        }
        assert.ok(!(out instanceof GatewayError), `${kind} should accept ${param}: ${out instanceof GatewayError ? out.message : ''}`);
        if (treatment === 'dropped') assert.ok(!(param in out), `${kind} drops ${param}`);
        if (treatment === 'forwarded') assert.deepEqual(out[param], SAMPLES[param][param as keyof ChatRequest], `${kind} forwards ${param}`);
      }
    });
  }

  test('parameters the table does not name: OpenAI dialects get them, translated APIs refuse them', () => {
    for (const kind of ADAPTER_KINDS) {
      const out = build(kind, { top_k: 5 });
      if (UNKNOWN_PARAMETERS[kind] === 'refused') {
        assert.ok(out instanceof GatewayError && out.code === 'unsupported_parameter' && out.param === 'top_k', kind);
      } else {
        assert.ok(!(out instanceof GatewayError) && out.top_k === 5, kind);
      }
    }
  });

  test('messages of the legacy functions API are refused where `functions` is, naming the message', () => {
    const legacy: ChatRequest['messages'] = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
      { role: 'function', name: 'f', content: 'sunny' },
    ];
    for (const kind of ADAPTER_KINDS) {
      const out = build(kind, { messages: legacy });
      if (PARAMETERS.get('functions')?.by[kind] === 'refused') {
        assert.ok(out instanceof GatewayError && out.code === 'unsupported_parameter' && out.param === 'messages[1].function_call', `${kind}: ${String(out instanceof GatewayError && out.message)}`);
        const role = build(kind, { messages: [legacy[0], legacy[2]] });
        assert.ok(role instanceof GatewayError && role.param === 'messages[1].role', kind);
      } else {
        assert.ok(!(out instanceof GatewayError), kind);
      }
    }
  });

  test('reasoning_effort: mapped to a thinking budget on Gemini, refused on Anthropic and Bedrock', () => {
    const gemini = build('gemini', { reasoning_effort: 'low' }) as Record<string, { thinkingConfig?: unknown }>;
    assert.deepEqual(gemini.generationConfig?.thinkingConfig, { thinkingBudget: 1024 });
    for (const kind of ['anthropic', 'bedrock'] as const) {
      const err = build(kind, { reasoning_effort: 'high' });
      assert.ok(err instanceof GatewayError && err.param === 'reasoning_effort' && /thinking/.test(err.message), kind);
    }
  });
});

// ---- the README's table ------------------------------------------------------------------------

const README = new URL('../../README.md', import.meta.url);
const BEGIN = '<!-- parameter-table:begin (generated from src/providers/parameter-policy.ts by test/providers/parameter-policy.test.ts; UPDATE_README=1 rewrites it) -->';
const END = '<!-- parameter-table:end -->';

function cell(rule: ParameterRule, kind: ParameterFamily): string {
  const treatment = rule.by[kind];
  const limit = rule.limits?.[kind];
  if (treatment === 'refused' && rule.neutral) return `refused (${rule.neutral.text} accepted)`;
  return limit ? `${treatment}, except ${limit}` : treatment;
}

function renderTable(): string {
  const rows = [
    `| parameter | ${ADAPTER_KINDS.join(' | ')} |`,
    `| --- |${ADAPTER_KINDS.map(() => ' --- |').join('')}`,
    ...[...PARAMETERS].map(([param, rule]) => `| \`${param}\` | ${ADAPTER_KINDS.map((kind) => cell(rule, kind)).join(' | ')} |`),
    `| any other | ${ADAPTER_KINDS.map((kind) => UNKNOWN_PARAMETERS[kind]).join(' | ')} |`,
  ];
  return `${BEGIN}\n${rows.join('\n')}\n${END}`;
}

test('the README shows the parameter table as the code has it', () => {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  assert.ok(start >= 0 && end > start, 'README has the parameter-table markers');
  const current = text.slice(start, end + END.length);
  const expected = renderTable();
  if (current !== expected && process.env.UPDATE_README === '1') {
    writeFileSync(README, text.slice(0, start) + expected + text.slice(end + END.length));
    return;
  }
  assert.equal(current, expected, 'README parameter table is stale: run UPDATE_README=1 node scripts/run-tests.mjs test/providers/parameter-policy.test.ts');
});
