/**
 * OpenAI chat request → Mistral chat request.
 *
 * Mistral validates strictly (unknown fields are a 422), so every OpenAI parameter is either
 * mapped, dropped where dropping cannot change the answer, or refused with a 400 naming it:
 *
 * - mapped: `seed` → `random_seed`; `max_completion_tokens` → `max_tokens`; `developer` messages
 *   → `system`; `tool_choice: "required"` → `"any"`; a named `tool_choice` → only that tool with
 *   `"any"`; foreign tool-call ids → 9-character ids; tool messages get the function `name`.
 * - dropped (harmless): `stream_options` (Mistral always reports usage on the finish chunk),
 *   `user`, `metadata`, `service_tier`, `prompt_cache_key`, `safety_identifier` (accounting and
 *   routing hints only), `store: false`, `logprobs: false`, `top_logprobs: 0`, empty
 *   `logit_bias`, `modalities: ["text"]`, top-level `null` values (OpenAI's "unset"), `name` on
 *   user / system / assistant messages (Mistral has no participant names).
 * - refused: `logprobs: true`, `top_logprobs > 0`, non-empty `logit_bias`, `store: true`,
 *   non-text `modalities`, `audio`, `web_search_options`, `functions` / `function_call`,
 *   `verbosity`.
 *
 * Everything else passes through: fields both APIs share (`n`, `stop`, `parallel_tool_calls`,
 * `response_format`, `prediction`, `reasoning_effort`, …) and Mistral-native ones a client may
 * send (`safe_prompt`, `prompt_mode`, `random_seed`).
 */
import type { ChatMessage, ChatRequest, FunctionTool, ToolCall } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { buildToolCallIdMap } from './mistral-tool-call-ids.js';

const DROPPED = ['stream_options', 'user', 'metadata', 'service_tier', 'prompt_cache_key', 'safety_identifier'] as const;

function unsupported(param: string, why = 'is not supported by Mistral'): never {
  throw invalidRequest(`'${param}' ${why}.`, param, 'unsupported_parameter');
}

function refuseUnsupported(body: Record<string, unknown>): void {
  if (body.logprobs === true) unsupported('logprobs');
  if (typeof body.top_logprobs === 'number' && body.top_logprobs > 0) unsupported('top_logprobs');
  const bias = body.logit_bias;
  if (bias && typeof bias === 'object' && Object.keys(bias).length > 0) unsupported('logit_bias');
  if (body.store === true) unsupported('store');
  const modalities = body.modalities;
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) unsupported('modalities', 'other than "text" is not supported by Mistral');
  for (const param of ['audio', 'web_search_options', 'functions', 'function_call', 'verbosity']) {
    if (body[param] !== undefined && body[param] !== null) unsupported(param);
  }
}

function convertToolChoice(body: Record<string, unknown>, req: ChatRequest): void {
  const choice = req.tool_choice;
  if (choice === undefined || choice === null) return;
  if (choice === 'required') {
    body.tool_choice = 'any';
    return;
  }
  if (typeof choice === 'object') {
    // Mistral's reliable way to force one function: offer only it, and require a call.
    const name = choice.function?.name;
    const tools = (req.tools ?? []).filter((t: FunctionTool) => t.function.name === name);
    if (tools.length === 0) throw invalidRequest(`tool_choice names function '${name}', which is not in tools.`, 'tool_choice');
    body.tools = tools;
    body.tool_choice = 'any';
  }
}

function convertMessages(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  const ids = buildToolCallIdMap(messages);
  const names = new Map<string, string>();
  const out: Record<string, unknown>[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'tool') {
      const id = m.tool_call_id ?? '';
      const name = m.name ?? names.get(id);
      out[i] = { role: 'tool', content: m.content ?? '', tool_call_id: ids.get(id) ?? id, ...(name ? { name } : {}) };
      continue;
    }
    if (m.role === 'assistant') {
      const msg: Record<string, unknown> = { role: 'assistant', content: m.content ?? null };
      if (m.tool_calls && m.tool_calls.length > 0) {
        msg.tool_calls = m.tool_calls.map((call: ToolCall) => {
          names.set(call.id, call.function.name);
          return { id: ids.get(call.id) ?? call.id, type: 'function', function: call.function };
        });
      }
      // Mistral's assistant prefill flag.
      if ((m as { prefix?: unknown }).prefix === true) msg.prefix = true;
      out[i] = msg;
      continue;
    }
    out[i] = { role: m.role === 'developer' ? 'system' : m.role, content: m.content ?? '' };
  }
  return out;
}

export function convertToMistralRequest(req: ChatRequest, model: string, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key in req) {
    const value = req[key];
    if (value !== null && value !== undefined) body[key] = value;
  }
  refuseUnsupported(body);
  for (const key of DROPPED) delete body[key];
  if (body.store === false) delete body.store;
  if (body.logprobs === false) delete body.logprobs;
  if (body.top_logprobs !== undefined) delete body.top_logprobs;
  if (body.logit_bias !== undefined) delete body.logit_bias;
  if (body.modalities !== undefined) delete body.modalities;

  if (body.seed !== undefined) {
    body.random_seed = body.seed;
    delete body.seed;
  }
  if (body.max_completion_tokens !== undefined) {
    body.max_tokens = body.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  convertToolChoice(body, req);
  body.model = model;
  body.stream = stream;
  body.messages = convertMessages(req.messages);
  return body;
}
