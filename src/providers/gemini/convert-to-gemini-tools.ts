/** OpenAI `tools` / `tool_choice` → Gemini `functionDeclarations` / `toolConfig`. */
import type { ChatRequest } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { convertJsonSchemaToGemini, isEmptyObjectSchema, jsonSchemaForGemini } from './convert-json-schema-to-gemini.js';
import type { GeminiFunctionDeclaration, GeminiRequest } from './gemini-types.js';

type ToolFields = Pick<GeminiRequest, 'tools' | 'toolConfig'>;

export function convertToGeminiTools(req: ChatRequest): ToolFields {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (tools.length === 0) {
    if (choice === 'required' || (typeof choice === 'object' && choice !== null)) {
      throw invalidRequest('tool_choice requires at least one tool in `tools`', 'tool_choice');
    }
    return {};
  }

  const declarations: GeminiFunctionDeclaration[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (tool.type !== 'function') throw invalidRequest(`gemini supports only function tools, got '${String(tool.type)}'`, `tools[${i}].type`);
    // `strict` is dropped: Gemini already holds calls to the declared schema.
    const { name, description, parameters } = tool.function;
    const declaration: GeminiFunctionDeclaration = { name };
    if (description !== undefined) declaration.description = description;
    if (parameters && !isEmptyObjectSchema(parameters)) {
      const converted = convertJsonSchemaToGemini(parameters);
      if (converted) declaration.parameters = converted;
      else declaration.parametersJsonSchema = jsonSchemaForGemini(parameters);
    }
    declarations.push(declaration);
  }

  const fields: ToolFields = { tools: [{ functionDeclarations: declarations }] };
  if (choice === undefined || choice === null || choice === 'auto') return fields;
  if (choice === 'none') fields.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
  else if (choice === 'required') fields.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
  else if (typeof choice === 'object' && choice.type === 'function') {
    const name = choice.function?.name;
    if (!declarations.some((d) => d.name === name)) {
      throw invalidRequest(`tool_choice names function '${String(name)}', which is not in \`tools\``, 'tool_choice');
    }
    fields.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
  } else {
    throw invalidRequest('unsupported tool_choice', 'tool_choice');
  }
  return fields;
}
