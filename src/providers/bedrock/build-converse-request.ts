/**
 * Canonical chat request → Converse / ConverseStream upstream request.
 *
 * Which OpenAI parameters are mapped, dropped or refused is decided by the parameter table
 * (../parameter-policy.ts) before this runs. Here:
 * - `tool_choice: "none"` sends no tools at all (Converse has no "none" choice). When the history
 *   holds tool calls or results, Converse insists on `toolConfig`, so "none" cannot be honoured and
 *   is refused, as is a tool history without `tools`.
 * - `response_format` json_object / json_schema becomes one forced tool (see json-response-tool.ts);
 *   it cannot be combined with client tools, which would compete with it.
 */
import type { ChatRequest, ToolChoice as OpenAIToolChoice } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { ChatTarget, UpstreamRequest } from '../types.js';
import type { ConverseRequest, ToolChoice, ToolSpec } from './bedrock-api-types.js';
import { convertToBedrockMessages } from './convert-to-bedrock-messages.js';
import { JSON_RESPONSE_TOOL, jsonResponseTool } from './json-response-tool.js';

/** `/model/{id}/{action}` under the base URL's path; the id is percent-encoded (`:` → `%3A`). */
export function bedrockModelPath(baseUrl: URL, model: string, action: 'converse' | 'converse-stream' | 'invoke'): string {
  return `${baseUrl.pathname}model/${encodeURIComponent(model)}/${action}`;
}

const isSet = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

function inferenceConfig(req: ChatRequest): ConverseRequest['inferenceConfig'] {
  const config: NonNullable<ConverseRequest['inferenceConfig']> = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (isSet(maxTokens)) config.maxTokens = maxTokens;
  if (isSet(req.temperature)) config.temperature = req.temperature;
  if (isSet(req.top_p)) config.topP = req.top_p;
  if (isSet(req.stop)) {
    const stops = typeof req.stop === 'string' ? [req.stop] : req.stop;
    if (stops.length > 0) config.stopSequences = stops;
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function toolChoice(choice: OpenAIToolChoice | null | undefined): ToolChoice | undefined {
  if (choice === undefined || choice === null || choice === 'auto') return choice === 'auto' ? { auto: {} } : undefined;
  if (choice === 'required') return { any: {} };
  if (typeof choice === 'object' && choice.type === 'function') return { tool: { name: choice.function.name } };
  throw invalidRequest('tool_choice must be "auto", "none", "required" or a named function.', 'tool_choice');
}

function toolConfig(req: ChatRequest, hasToolBlocks: boolean): ConverseRequest['toolConfig'] {
  const forced = jsonResponseTool(req.response_format);
  const clientTools = req.tool_choice === 'none' ? [] : (req.tools ?? []);

  if (req.tool_choice === 'none' && hasToolBlocks) {
    throw invalidRequest(
      'tool_choice "none" cannot be honoured on Bedrock when messages contain tool calls or results: Converse requires the tools then and has no "none" choice.',
      'tool_choice',
    );
  }
  if (forced) {
    if (clientTools.length > 0) {
      throw invalidRequest('On Bedrock, response_format is implemented with a forced tool and cannot be combined with tools.', 'response_format');
    }
    if (hasToolBlocks) {
      throw invalidRequest('On Bedrock, response_format cannot be combined with tool calls in the conversation.', 'response_format');
    }
    return { tools: [forced], toolChoice: { tool: { name: JSON_RESPONSE_TOOL } } };
  }
  if (clientTools.length === 0) {
    if (hasToolBlocks) {
      throw invalidRequest('Bedrock Converse requires the tool definitions when messages contain tool calls or results; send tools.', 'tools');
    }
    return undefined;
  }
  const tools: ToolSpec[] = clientTools.map((tool, i) => {
    if (tool.type !== 'function' || !tool.function?.name) {
      throw invalidRequest('only function tools with a name are supported.', `tools[${i}]`);
    }
    const { name, description, parameters } = tool.function;
    if (name === JSON_RESPONSE_TOOL) throw invalidRequest(`the tool name ${name} is reserved on Bedrock.`, `tools[${i}].function.name`);
    return {
      toolSpec: {
        name,
        ...(description ? { description } : {}),
        inputSchema: { json: parameters ?? { type: 'object', properties: {} } },
      },
    };
  });
  const choice = toolChoice(req.tool_choice);
  return choice ? { tools, toolChoice: choice } : { tools };
}

export function buildConverseBody(req: ChatRequest): ConverseRequest {
  const { system, messages, hasToolBlocks } = convertToBedrockMessages(req.messages);
  const body: ConverseRequest = { messages };
  if (system.length > 0) body.system = system;
  const inference = inferenceConfig(req);
  if (inference) body.inferenceConfig = inference;
  const tools = toolConfig(req, hasToolBlocks);
  if (tools) body.toolConfig = tools;
  return body;
}

export function buildConverseRequest(req: ChatRequest, target: ChatTarget): UpstreamRequest {
  const { baseUrl } = target.provider;
  return {
    method: 'POST',
    origin: baseUrl.origin,
    path: bedrockModelPath(baseUrl, target.model, target.stream ? 'converse-stream' : 'converse'),
    headers: {
      'content-type': 'application/json',
      accept: target.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    },
    body: JSON.stringify(buildConverseBody(req)),
  };
}
