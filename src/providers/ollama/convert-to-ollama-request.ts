/**
 * Ollama's `/v1/chat/completions` shim decodes the request into a fixed Go struct and silently
 * ignores every field it does not know. The parameter table (../parameter-policy.ts) refuses,
 * before this runs, what Ollama would ignore to the client's cost (`n > 1`, `logit_bias`, …);
 * here the rest is mapped where Ollama needs it:
 *
 * - `max_completion_tokens` → `max_tokens`; `developer` messages → `system` (Ollama's chat
 *   templates know no `developer` role); `tool_choice: "none"` → no `tools` offered, `"auto"` is
 *   its default; `"required"` or a named function cannot be honoured (Ollama cannot force a call)
 *   and is refused.
 *
 * Returns `undefined` when the client's bytes can go up unchanged.
 */
import type { ChatMessage, ChatRequest } from '../../core/chat-types.js';
import { unsupportedValue } from '../parameter-policy.js';

function checkToolChoice(req: ChatRequest, provider: string): void {
  const choice = req.tool_choice;
  if (choice === 'required' || (typeof choice === 'object' && choice !== null)) {
    throw unsupportedValue('tool_choice', provider, 'only "auto" and "none" are supported (Ollama cannot force a tool call)');
  }
}

function hasDeveloperMessage(messages: readonly ChatMessage[]): boolean {
  for (const m of messages) if (m.role === 'developer') return true;
  return false;
}

export function convertToOllamaRequest(req: ChatRequest, provider = 'ollama'): ChatRequest | undefined {
  checkToolChoice(req, provider);
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
