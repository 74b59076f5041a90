/** The OpenAI Responses dialect: decode to the canonical chat request, encode answers and streams back. */
export { decodeResponsesRequest, parseResponsesRequest, responsesToChat, type DecodedResponsesRequest } from './decode.js';
export { encodeResponsesResponse } from './encode.js';
export { ResponsesStreamEncoder } from './stream-encoder.js';
export { responsesErrorResponse, previousResponseNotFound } from './errors.js';
export { ResponseStore, RESPONSE_STORE_DEFAULTS, type ResponseStoreOptions } from './response-store.js';
export { rememberResponse } from './remember.js';
export { newResponseId } from './ids.js';
export type { ResponseOptions } from './response-object.js';
export type { ResponseObject, ResponsesContext, ResponsesHistory, ResponsesItem } from './types.js';
