/** The Anthropic Messages dialect: decode requests, encode answers, streams and errors. */
export { decodeCountTokensRequest, decodeMessagesBody, decodeMessagesRequest, parseMessagesBody, reasoningEffortFor, type AnthropicContext, type DecodedMessagesRequest } from './decode.js';
export { encodeMessagesResponse, type EncodeMessagesOptions, type MessagesResponse } from './encode-response.js';
export { MessagesStreamEncoder, type MessagesStreamOptions } from './stream-encoder.js';
export { messagesErrorResponse, messagesErrorBody, type MessagesErrorBody } from './error-response.js';
export { countTokensEstimate } from './count-tokens.js';
