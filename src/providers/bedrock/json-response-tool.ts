/**
 * `response_format` on Converse: there is no portable JSON mode, so the gateway offers one tool
 * whose input schema is the requested schema and forces the model to call it (the approach the
 * AI SDK takes). Responses turn that call back into plain JSON text with finish reason `stop`.
 * Responses are recognised by the tool name alone (the translators do not see the request),
 * so the name is distinctive and reserved: client tools may not use it.
 */
import type { ResponseFormat } from '../../core/chat-types.js';
import type { ToolSpec } from './bedrock-api-types.js';

export const JSON_RESPONSE_TOOL = 'respond_with_json';

/** The forced tool for a JSON response format, or undefined for `text` / no format. */
export function jsonResponseTool(format: ResponseFormat | null | undefined): ToolSpec | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    return {
      toolSpec: {
        name: JSON_RESPONSE_TOOL,
        description: 'Respond with a JSON object.',
        inputSchema: { json: { type: 'object' } },
      },
    };
  }
  const { schema, description } = format.json_schema;
  return {
    toolSpec: {
      name: JSON_RESPONSE_TOOL,
      description: description ?? 'Respond with JSON that matches the schema.',
      inputSchema: { json: schema ?? { type: 'object' } },
    },
  };
}
