/**
 * Sampling and output parameters → `generationConfig`, and the guard that refuses whatever
 * Gemini cannot honour. Dropped because harmless: `user` (Gemini has no end-user field; only
 * abuse tracking would use it), `metadata`, `store` and `service_tier` (OpenAI-side features
 * that do not change the completion), `stream_options` (the core handles usage forwarding),
 * `parallel_tool_calls: true` (Gemini's default). Everything else unknown is refused with a 400.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { convertJsonSchemaToGemini, jsonSchemaForGemini } from './convert-json-schema-to-gemini.js';
import type { GeminiGenerationConfig, GeminiThinkingConfig } from './gemini-types.js';

/** Fields read by the adapter (here or in the message and tool converters) or dropped as harmless. */
const KNOWN = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'logprobs',
  'top_logprobs',
  'response_format',
  'reasoning_effort',
  'user',
  'metadata',
  'store',
  'service_tier',
]);

const MAX_STOP_SEQUENCES = 5;

/** Gemini 2.x takes a token budget; the numbers follow the OpenAI effort tiers loosely. */
const THINKING_BUDGETS = new Map([
  ['none', 0],
  ['minimal', 0],
  ['low', 1024],
  ['medium', 8192],
  ['high', 24576],
]);
/** Gemini 3 takes a level; it cannot turn thinking off, so `none` has no equivalent. */
const THINKING_LEVELS = new Set(['minimal', 'low', 'medium', 'high']);
const BUDGET_FAMILIES = ['gemini-2', 'models/gemini-2'];

export function assertGeminiSupports(req: ChatRequest): void {
  for (const key in req) {
    const value = req[key];
    if (value === undefined || value === null || KNOWN.has(key)) continue;
    throw invalidRequest(`'${key}' is not supported by gemini`, key);
  }
  if (req.logprobs === true) throw invalidRequest("'logprobs' is not supported by gemini", 'logprobs');
  if (typeof req.top_logprobs === 'number' && req.top_logprobs > 0) {
    throw invalidRequest("'top_logprobs' is not supported by gemini", 'top_logprobs');
  }
  if (req.parallel_tool_calls === false && req.tools?.length) {
    throw invalidRequest('gemini cannot be limited to one tool call per turn', 'parallel_tool_calls');
  }
}

export function buildGeminiGenerationConfig(req: ChatRequest, model: string): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  if (req.n != null) config.candidateCount = req.n;
  if (req.seed != null) config.seed = req.seed;
  if (req.presence_penalty != null) config.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) config.frequencyPenalty = req.frequency_penalty;
  if (req.stop != null) {
    const stop = typeof req.stop === 'string' ? [req.stop] : req.stop;
    if (stop.length > MAX_STOP_SEQUENCES) throw invalidRequest(`gemini accepts at most ${MAX_STOP_SEQUENCES} stop sequences`, 'stop');
    if (stop.length > 0) config.stopSequences = stop;
  }
  applyResponseFormat(config, req.response_format);
  if (req.reasoning_effort != null) config.thinkingConfig = thinkingConfig(req.reasoning_effort, model);
  for (const _key in config) return config;
  return undefined;
}

function applyResponseFormat(config: GeminiGenerationConfig, format: ChatRequest['response_format']): void {
  if (!format || format.type === 'text') return;
  if (format.type === 'json_object') {
    config.responseMimeType = 'application/json';
    return;
  }
  if (format.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = format.json_schema?.schema;
    if (!schema) return;
    const converted = convertJsonSchemaToGemini(schema);
    if (converted) config.responseSchema = converted;
    else config.responseJsonSchema = jsonSchemaForGemini(schema);
    return;
  }
  throw invalidRequest(`response_format type '${String((format as { type?: unknown }).type)}' is not supported by gemini`, 'response_format');
}

function thinkingConfig(effort: string, model: string): GeminiThinkingConfig {
  if (BUDGET_FAMILIES.some((family) => model.startsWith(family))) {
    const budget = THINKING_BUDGETS.get(effort);
    if (budget === undefined) throw invalidRequest(`reasoning_effort '${effort}' is not supported by gemini`, 'reasoning_effort');
    return { thinkingBudget: budget };
  }
  if (!THINKING_LEVELS.has(effort)) {
    throw invalidRequest(`reasoning_effort '${effort}' is not supported by gemini (use minimal, low, medium or high)`, 'reasoning_effort');
  }
  return { thinkingLevel: effort };
}
