/** AWS Bedrock provider: adapter factory plus the helpers the core and tests need. */
export { createBedrockAdapter } from './adapter.js';
export { signBedrockRequest } from './sign-bedrock-request.js';
export { buildConverseBody, bedrockModelPath } from './build-converse-request.js';
export { EventStreamDecoder, EventStreamFramingError } from './event-stream-decoder.js';
