/**
 * The one table that decides, per adapter family, what happens to each OpenAI chat parameter:
 *
 * - `forwarded`: sent as the client wrote it (OpenAI-dialect APIs; the provider judges it);
 * - `mapped`: translated to the provider's own field (limits noted in `limits`);
 * - `dropped`: left out, because leaving it out cannot change the answer (accounting, storage and
 *   latency hints; `seed`, which OpenAI itself only honours on a best-effort basis);
 * - `refused`: a 400 `unsupported_parameter` naming it — unless its value is the neutral one
 *   (`n: 1`, `logprobs: false`, …), which asks for nothing and is dropped.
 *
 * `refuseUnsupportedParameters` applies the table before any adapter builds a request (see
 * registry.ts), so every adapter refuses the same way; adapters only read what is `mapped` and
 * check the value limits of their own mappings. The README's parameter table is this table
 * (test/providers/parameter-policy.test.ts keeps them equal).
 */
import type { AdapterKind } from '../config/embedded/providers.js';

/**
 * The table's columns. Azure speaks OpenAI's dialect and forwards every parameter, so it needs no
 * column; Vertex serves Gemini and Claude models and takes its publisher's column.
 */
export type ParameterFamily = Exclude<AdapterKind, 'azure' | 'vertex'>;
import type { ChatRequest } from '../core/chat-types.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';

export type Treatment = 'forwarded' | 'mapped' | 'dropped' | 'refused';

export interface ParameterRule {
  /** The value that asks for nothing, accepted (and dropped) where the parameter is refused. */
  neutral?: { test: (value: unknown, req: ChatRequest) => boolean; text: string };
  /** Why a provider that refuses it cannot honour it, completing "… is not supported by X: …". */
  why: string;
  by: Record<ParameterFamily, Treatment>;
  /** Values a mapping cannot carry (refused by the adapter as `unsupported_value`). */
  limits?: Partial<Record<ParameterFamily, string>>;
}

export const ADAPTER_KINDS: readonly ParameterFamily[] = ['openai-compatible', 'anthropic', 'gemini', 'bedrock', 'mistral', 'ollama'];

const F = 'forwarded';
const M = 'mapped';
const D = 'dropped';
const R = 'refused';

/** Columns in ADAPTER_KINDS order. */
function by(
  openai: Treatment,
  anthropic: Treatment,
  gemini: Treatment,
  bedrock: Treatment,
  mistral: Treatment,
  ollama: Treatment,
): Record<ParameterFamily, Treatment> {
  return { 'openai-compatible': openai, anthropic, gemini, bedrock, mistral, ollama };
}

const isZero = (v: unknown): boolean => v === 0;
const TEXT_ONLY = { test: (v: unknown) => Array.isArray(v) && v.every((m) => m === 'text'), text: '`["text"]`' };

export const PARAMETERS: ReadonlyMap<string, ParameterRule> = new Map<string, ParameterRule>([
  ['stream', { why: '', by: by(F, M, M, M, M, F) }],
  ['stream_options', { why: '', by: by(F, M, M, M, M, F) }],
  ['tools', { why: '', by: by(F, M, M, M, F, F) }],
  [
    'tool_choice',
    {
      why: '',
      by: by(F, M, M, M, M, M),
      limits: {
        bedrock: '`"none"` with tool calls in the history',
        ollama: '`"required"` and a named function (Ollama cannot force a call)',
      },
    },
  ],
  [
    'parallel_tool_calls',
    {
      neutral: { test: (v, req) => v === true || !req.tools?.length, text: '`true`' },
      why: 'it cannot be limited to one tool call per turn',
      by: by(F, M, R, R, F, R),
    },
  ],
  ['max_tokens', { why: '', by: by(F, M, M, M, F, F) }],
  ['max_completion_tokens', { why: '', by: by(F, M, M, M, M, M) }],
  ['temperature', { why: '', by: by(F, M, M, M, F, F), limits: { anthropic: 'above 1' } }],
  ['top_p', { why: '', by: by(F, M, M, M, F, F) }],
  ['n', { neutral: { test: (v) => v === 1, text: '`1`' }, why: 'it returns one choice per request', by: by(F, R, M, R, F, R) }],
  ['stop', { why: '', by: by(F, M, M, M, F, F), limits: { gemini: 'more than 5 sequences' } }],
  ['presence_penalty', { neutral: { test: isZero, text: '`0`' }, why: 'it has no repetition penalties', by: by(F, R, M, R, F, F) }],
  ['frequency_penalty', { neutral: { test: isZero, text: '`0`' }, why: 'it has no repetition penalties', by: by(F, R, M, R, F, F) }],
  ['seed', { why: '', by: by(F, D, M, D, M, F) }],
  ['logprobs', { neutral: { test: (v) => v === false, text: '`false`' }, why: 'it returns no token log probabilities', by: by(F, R, R, R, R, F) }],
  ['top_logprobs', { neutral: { test: isZero, text: '`0`' }, why: 'it returns no token log probabilities', by: by(F, R, R, R, R, F) }],
  [
    'logit_bias',
    {
      neutral: { test: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0, text: '`{}`' },
      why: 'it has no token biasing',
      by: by(F, R, R, R, R, R),
    },
  ],
  ['response_format', { why: '', by: by(F, M, M, M, F, F) }],
  ['user', { why: '', by: by(F, M, D, D, D, F) }],
  [
    'reasoning_effort',
    {
      neutral: { test: (v) => v === 'none', text: '`"none"`' },
      // Extended thinking is no equivalent: its blocks and signatures must be replayed in later
      // turns of a tool loop, which OpenAI-shaped history cannot carry, and it constrains sampling.
      why: 'its extended thinking is no equivalent (thinking blocks must be replayed in later turns)',
      by: by(F, R, M, R, F, F),
      limits: { gemini: '`"none"` on Gemini 3 (thinking cannot be turned off)' },
    },
  ],
  ['metadata', { why: '', by: by(F, D, D, D, D, F) }],
  ['store', { why: '', by: by(F, D, D, D, D, F) }],
  ['service_tier', { why: '', by: by(F, D, D, D, D, F) }],
  ['prompt_cache_key', { why: '', by: by(F, D, D, D, D, F) }],
  ['safety_identifier', { why: '', by: by(F, D, D, D, D, F) }],
  ['prediction', { why: '', by: by(F, D, D, D, F, F) }],
  ['modalities', { neutral: TEXT_ONLY, why: 'it produces text only', by: by(F, R, R, R, R, R) }],
  ['audio', { why: 'it produces text only', by: by(F, R, R, R, R, R) }],
  ['web_search_options', { why: 'it has no web search through this API', by: by(F, R, R, R, R, R) }],
  ['verbosity', { why: 'it has no answer-length setting', by: by(F, R, R, R, R, R) }],
  ['functions', { why: 'the legacy functions API is not translated; use tools', by: by(F, R, R, R, R, R) }],
  ['function_call', { why: 'the legacy functions API is not translated; use tool_choice', by: by(F, R, R, R, R, R) }],
]);

/**
 * Parameters the table does not name: OpenAI-dialect APIs get them (Mistral's `safe_prompt`,
 * vLLM's `top_k`; Mistral itself refuses fields it does not know); translated APIs refuse them,
 * since the gateway would otherwise drop them unseen.
 */
export const UNKNOWN_PARAMETERS = by(F, R, R, R, F, F);

/** `model` and `messages` are the request itself, not parameters. */
const STRUCTURAL = new Set(['model', 'messages']);

export function unsupportedParameter(param: string, provider: string, why: string, neutral?: string): GatewayError {
  const accepted = neutral ? ` Only ${neutral} is accepted.` : '';
  return invalidRequest(
    `'${param}' is not supported by ${provider}: ${why}.${accepted} Remove it, or send the request to a provider that supports it.`,
    param,
    'unsupported_parameter',
  );
}

/** A mapped parameter whose value the provider cannot take. */
export function unsupportedValue(param: string, provider: string, why: string): GatewayError {
  return invalidRequest(`${provider} does not support this value of '${param}': ${why}.`, param, 'unsupported_value');
}

/** The table's verdict on one present, non-null parameter. */
export function treatmentOf(param: string, value: unknown, req: ChatRequest, kind: ParameterFamily): Treatment {
  const rule = PARAMETERS.get(param);
  const treatment = rule ? rule.by[kind] : UNKNOWN_PARAMETERS[kind];
  if (treatment === 'refused' && rule?.neutral?.test(value, req)) return 'dropped';
  return treatment;
}

const LEGACY_FUNCTIONS = PARAMETERS.get('functions') as ParameterRule;

/** Throws the 400 for the first parameter `kind` refuses. `null` values are OpenAI's "unset". */
export function refuseUnsupportedParameters(req: ChatRequest, kind: ParameterFamily, provider: string): void {
  if (kind === 'openai-compatible') return;
  for (const key in req) {
    const value = req[key];
    if (value === undefined || value === null || STRUCTURAL.has(key)) continue;
    if (treatmentOf(key, value, req, kind) !== 'refused') continue;
    const rule = PARAMETERS.get(key);
    throw unsupportedParameter(key, provider, rule?.why ?? 'it is not an OpenAI chat-completions parameter the gateway translates for it', rule?.neutral?.text);
  }
  // The messages of the legacy functions API go with its parameters.
  if (LEGACY_FUNCTIONS.by[kind] !== 'refused') return;
  const { messages } = req;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'function') throw unsupportedParameter(`messages[${i}].role`, provider, LEGACY_FUNCTIONS.why);
    if (m.function_call != null) throw unsupportedParameter(`messages[${i}].function_call`, provider, LEGACY_FUNCTIONS.why);
  }
}

/** True when `param` must not reach an OpenAI-dialect provider of `kind` (dropped, or neutral). */
export function leftOut(param: string, value: unknown, req: ChatRequest, kind: ParameterFamily): boolean {
  return treatmentOf(param, value, req, kind) === 'dropped';
}
