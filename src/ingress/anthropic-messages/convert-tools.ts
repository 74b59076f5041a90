/** Anthropic `tools` and `tool_choice` → canonical function tools and choice. */
import type { ChatRequest, FunctionTool, ToolChoice } from '../../core/chat-types.js';
import { invalidType, isObject, oneOf, optionalBoolean, optionalObject, optionalString, requiredString, sub, item, type Path } from '../openai-chat/field-checks.js';
import { notTranslatable } from './unsupported.js';

/**
 * A typed tool (`web_search_20250305`, `bash_20250124`, `text_editor_…`, `computer_…`) runs on
 * Anthropic's side or has a schema only Claude knows: another model cannot be given it.
 */
function toFunctionTool(tool: Record<string, unknown>, at: Path): FunctionTool {
  if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
    optionalString(tool.type, sub(at, 'type'));
    throw notTranslatable(sub(at, 'type'), `the Anthropic tool type '${String(tool.type).slice(0, 60)}'`);
  }
  requiredString(tool.name, sub(at, 'name'));
  optionalString(tool.description, sub(at, 'description'));
  if (!isObject(tool.input_schema)) throw invalidType(sub(at, 'input_schema'), 'an object', tool.input_schema);
  optionalBoolean(tool.strict, sub(at, 'strict'));
  // cache_control is a caching hint and is dropped.
  const fn: FunctionTool['function'] = { name: tool.name as string, parameters: tool.input_schema };
  if (typeof tool.description === 'string') fn.description = tool.description;
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

export function convertTools(value: unknown, out: ChatRequest): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw invalidType('tools', 'an array', value);
  const tools: FunctionTool[] = new Array<FunctionTool>(value.length);
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    const at = item('tools', i);
    if (!isObject(tool)) throw invalidType(at, 'an object', tool);
    tools[i] = toFunctionTool(tool, at);
  }
  if (tools.length > 0) out.tools = tools;
}

export function convertToolChoice(value: unknown, out: ChatRequest): void {
  if (value === undefined || value === null) return;
  optionalObject(value, 'tool_choice');
  const choice = value as Record<string, unknown>;
  requiredString(choice.type, 'tool_choice.type');
  oneOf(choice.type, 'tool_choice.type', ['auto', 'any', 'tool', 'none']);
  optionalBoolean(choice.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use');
  let canonical: ToolChoice;
  switch (choice.type) {
    case 'any':
      canonical = 'required';
      break;
    case 'tool':
      requiredString(choice.name, 'tool_choice.name');
      canonical = { type: 'function', function: { name: choice.name as string } };
      break;
    case 'none':
      canonical = 'none';
      break;
    default:
      canonical = 'auto';
  }
  out.tool_choice = canonical;
  if (choice.disable_parallel_tool_use === true && choice.type !== 'none') out.parallel_tool_calls = false;
}
