/**
 * Responses tools and tool_choice → chat's. Function tools translate one to one; built-in
 * tools (web_search, file_search, code_interpreter, mcp …) run inside OpenAI and are refused
 * naming the tool type, since no translated provider can run them.
 */
import type { FunctionTool, ToolChoice } from '../../core/chat-types.js';
import { unsupported } from './errors.js';

type Raw = Record<string, unknown>;

export function toChatTools(tools: Raw[]): FunctionTool[] {
  const out: FunctionTool[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i]!;
    if (tool.type !== 'function') throw unsupported(`tools[${i}].type`, `The built-in tool '${clip(String(tool.type))}'`);
    const fn: FunctionTool['function'] = { name: tool.name as string };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (tool.parameters != null) fn.parameters = tool.parameters as Record<string, unknown>;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

export interface ChatToolChoice {
  choice: ToolChoice | undefined;
  /** `allowed_tools` narrows the tool list rather than naming a choice. */
  allowed?: Set<string>;
}

export function toChatToolChoice(value: unknown): ChatToolChoice {
  if (value === undefined || value === null) return { choice: undefined };
  if (typeof value === 'string') return { choice: value as 'auto' | 'none' | 'required' };
  const choice = value as Raw;
  if (choice.type === 'function') return { choice: { type: 'function', function: { name: choice.name as string } } };
  if (choice.type === 'allowed_tools') {
    const names = new Set<string>();
    for (const t of choice.tools as Raw[]) {
      if (t?.type !== 'function' || typeof t.name !== 'string') throw unsupported('tool_choice.tools', 'An allowed tool that is not a named function');
      names.add(t.name);
    }
    return { choice: choice.mode as 'auto' | 'required', allowed: names };
  }
  throw unsupported('tool_choice.type', `The tool choice '${clip(String(choice.type))}'`);
}

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
