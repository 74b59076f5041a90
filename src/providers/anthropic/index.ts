export { createAnthropicAdapter } from './adapter.js';
export { DEFAULT_ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS } from './build-anthropic-request.js';
export { JSON_RESPONSE_TOOL_NAME } from './json-response-tool.js';
