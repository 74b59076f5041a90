/**
 * Ollama's `/v1/chat/completions` shim decodes the request into a fixed Go struct and silently
 * ignores every field it does not know. So the gateway maps what would otherwise be lost, and
 * refuses what cannot be honoured, before anything goes up:
 *
 * - mapped: `max_completion_tokens` → `max_tokens`; `developer` messages → `system` (Ollama's
 *   chat templates know no `developer` role); `tool_choice: "none"` → no `tools` offered.
 * - dropped (harmless, and ignored by Ollama anyway): `tool_choice: "auto"` (its default),
 *   `n: 1`, `parallel_tool_calls: true`, empty `logit_bias`, `user`, `metadata`, `store: false`,
 *   `service_tier`, `prompt_cache_key`, `safety_identifier`.
 * - refused: `tool_choice` `"required"` or a named function, `n > 1`, non-empty `logit_bias`,
 *   `parallel_tool_calls: false`, `store: true`, non-text `modalities`, `audio`,
 *   `web_search_options`, `functions` / `function_call`.
 *
 * `logprobs` / `top_logprobs` pass through (Ollama 0.12.11 and later answer them).
 * Returns `undefined` when the client's bytes can go up unchanged.
 */
import type { ChatMessage, ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';

function unsupported(param: string, why = 'is not supported by Ollama'): never {
  throw invalidRequest(`'${param}' ${why}.`, param, 'unsupported_parameter');
}

function refuseUnsupported(req: ChatRequest): void {
  const choice = req.tool_choice;
  if (choice === 'required' || (typeof choice === 'object' && choice !== null)) {
    unsupported('tool_choice', 'other than "auto" or "none" is not supported by Ollama');
  }
  if (typeof req.n === 'number' && req.n > 1) unsupported('n', 'greater than 1 is not supported by Ollama');
  const bias = req.logit_bias;
  if (bias && typeof bias === 'object' && Object.keys(bias).length > 0) unsupported('logit_bias');
  if (req.parallel_tool_calls === false) unsupported('parallel_tool_calls', '= false is not supported by Ollama');
  if (req.store === true) unsupported('store');
  const modalities = req.modalities;
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) unsupported('modalities', 'other than "text" is not supported by Ollama');
  for (const param of ['audio', 'web_search_options', 'functions', 'function_call']) {
    if (req[param] !== undefined && req[param] !== null) unsupported(param);
  }
}

function hasDeveloperMessage(messages: readonly ChatMessage[]): boolean {
  for (const m of messages) if (m.role === 'developer') return true;
  return false;
}

export function convertToOllamaRequest(req: ChatRequest): ChatRequest | undefined {
  refuseUnsupported(req);
  const mapTokens = req.max_completion_tokens !== undefined && req.max_completion_tokens !== null;
  const mapDeveloper = hasDeveloperMessage(req.messages);
  const dropTools = req.tool_choice === 'none';
  if (!mapTokens && !mapDeveloper && !dropTools) return undefined;

  const out: ChatRequest = { ...req };
  if (mapTokens) {
    out.max_tokens = req.max_completion_tokens;
    delete out.max_completion_tokens;
  }
  if (mapDeveloper) out.messages = req.messages.map((m) => (m.role === 'developer' ? { ...m, role: 'system' } : m));
  if (dropTools) {
    delete out.tools;
    delete out.tool_choice;
  }
  return out;
}
