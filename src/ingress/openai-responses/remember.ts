/** Saves a finished Response for later `previous_response_id` / `item_reference` requests. */
import type { ResponseStore } from './response-store.js';
import type { ResponseObject, ResponsesContext } from './types.js';

export function rememberResponse(store: ResponseStore, context: ResponsesContext, response: ResponseObject): void {
  // Failed responses are not continued from (OpenAI keeps them, but nothing follows a failure).
  if (!context.store || response.status === 'failed') return;
  store.save(response.id, context, response.output, Buffer.byteLength(JSON.stringify(response.output)));
}
