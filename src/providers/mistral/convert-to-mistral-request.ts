/**
 * OpenAI chat request → Mistral chat request.
 *
 * Mistral validates strictly (unknown fields are a 422), so the parameter table
 * (../parameter-policy.ts) decides every OpenAI parameter before this runs, and what it drops
 * (or accepts only in its neutral form, like `logprobs: false`) is left out here. Mapped:
 * `seed` → `random_seed`; `max_completion_tokens` → `max_tokens`; `stream_options` (the core
 * reports usage, which Mistral always sends); `developer` messages → `system`;
 * `tool_choice: "required"` → `"any"`; a named `tool_choice` → only that tool with `"any"`;
 * foreign tool-call ids → 9-character ids; tool messages get the function `name`. Top-level
 * `null` values (OpenAI's "unset") and `name` on user / system / assistant messages (Mistral has
 * no participant names) are left out too.
 *
 * Everything else passes through: fields both APIs share (`n`, `stop`, `parallel_tool_calls`,
 * `response_format`, `prediction`, `reasoning_effort`, …) and Mistral-native ones a client may
 * send (`safe_prompt`, `prompt_mode`, `random_seed`).
 */
import type { ChatMessage, ChatRequest, FunctionTool, ToolCall } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { leftOut } from '../parameter-policy.js';
import { buildToolCallIdMap } from './mistral-tool-call-ids.js';

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
    if (value === null || value === undefined || key === 'stream_options' || key === '__proto__') continue;
    if (!leftOut(key, value, req, 'mistral')) body[key] = value;
  }
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
