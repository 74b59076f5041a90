/**
 * Maps OpenAI `tools`, `tool_choice` and `parallel_tool_calls` to Anthropic's tool fields.
 */
import type { ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-api-types.js';
import { JSON_RESPONSE_TOOL_NAME } from './json-response-tool.js';

export interface AnthropicToolFields {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

const EMPTY_SCHEMA: Record<string, unknown> = { type: 'object', properties: {} };

export function prepareAnthropicTools(req: ChatRequest): AnthropicToolFields {
  const { tools: openaiTools, tool_choice: choice } = req;
  if (!openaiTools || openaiTools.length === 0) {
    // A choice that demands a tool cannot be honoured without tools; `auto`/`none` mean nothing here.
    if (choice !== undefined && choice !== null && choice !== 'auto' && choice !== 'none') {
      throw invalidRequest('tool_choice requires tools', 'tool_choice');
    }
    return {};
  }

  const tools: AnthropicTool[] = [];
  for (let i = 0; i < openaiTools.length; i++) {
    const tool = openaiTools[i];
    if (tool.type !== 'function' || !tool.function?.name) {
      throw invalidRequest('anthropic accepts only function tools with a name', `tools[${i}]`);
    }
    if (tool.function.name === JSON_RESPONSE_TOOL_NAME) {
      throw invalidRequest(`the tool name '${JSON_RESPONSE_TOOL_NAME}' is reserved by the gateway`, `tools[${i}].function.name`);
    }
    const mapped: AnthropicTool = { name: tool.function.name, input_schema: tool.function.parameters ?? EMPTY_SCHEMA };
    if (tool.function.description) mapped.description = tool.function.description;
    // Only forwarded when asked for: older models reject the field.
    if (tool.function.strict === true) mapped.strict = true;
    tools.push(mapped);
  }

  const disableParallel = req.parallel_tool_calls === false;
  return { tools, tool_choice: mapToolChoice(choice, disableParallel) };
}

function mapToolChoice(choice: ChatRequest['tool_choice'], disableParallel: boolean): AnthropicToolChoice | undefined {
  if (choice === undefined || choice === null || choice === 'auto') {
    return disableParallel ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
  }
  // `none` keeps the tools declared (history may contain tool_use blocks) but forbids calls.
  if (choice === 'none') return { type: 'none' };
  const mapped: AnthropicToolChoice =
    choice === 'required'
      ? { type: 'any' }
      : typeof choice === 'object' && choice.type === 'function' && typeof choice.function?.name === 'string'
        ? { type: 'tool', name: choice.function.name }
        : invalidChoice();
  if (disableParallel) mapped.disable_parallel_tool_use = true;
  return mapped;
}

function invalidChoice(): never {
  throw invalidRequest("tool_choice must be 'auto', 'none', 'required' or a named function", 'tool_choice');
}
