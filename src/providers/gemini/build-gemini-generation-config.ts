/**
 * Sampling and output parameters → `generationConfig`. Which OpenAI parameters are mapped,
 * dropped or refused is decided by the parameter table (../parameter-policy.ts) before this runs;
 * here the mapped ones are translated, and values Gemini cannot take are refused.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { convertJsonSchemaToGemini, jsonSchemaForGemini } from './convert-json-schema-to-gemini.js';
import type { GeminiGenerationConfig, GeminiThinkingConfig } from './gemini-types.js';

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
    if (stop.length > MAX_STOP_SEQUENCES) throw invalidRequest(`gemini accepts at most ${MAX_STOP_SEQUENCES} stop sequences`, 'stop', 'unsupported_value');
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
    if (budget === undefined) throw invalidRequest(`reasoning_effort '${effort}' is not supported by gemini`, 'reasoning_effort', 'unsupported_value');
    return { thinkingBudget: budget };
  }
  if (!THINKING_LEVELS.has(effort)) {
    throw invalidRequest(`reasoning_effort '${effort}' is not supported by gemini (use minimal, low, medium or high)`, 'reasoning_effort', 'unsupported_value');
  }
  return { thinkingLevel: effort };
}
