/**
 * `response_format: {type:"json_object"}` has no native Anthropic switch. The adapter emulates it
 * the way the AI SDK does for models without structured outputs: it offers one tool whose input
 * is "any JSON object", forces the model to call it, and hands the tool input back to the client
 * as the message content with finish reason `stop`. The name is reserved: client tools may not
 * use it, so a `tool_use` block with this name in a response can only be the emulation.
 */
import type { AnthropicTool } from './anthropic-api-types.js';

export const JSON_RESPONSE_TOOL_NAME = 'json_object_response';

export const JSON_RESPONSE_TOOL: AnthropicTool = {
  name: JSON_RESPONSE_TOOL_NAME,
  description: 'Respond with a JSON object. Put the whole answer in the input of this tool.',
  input_schema: { type: 'object' },
};
