/**
 * Errors of the Responses dialect. OpenAI uses the chat-completions error shape here too
 * (`{"error":{message,type,param,code}}`), so the SDK raises its usual classes by status.
 */
import { GatewayError } from '../../core/gateway-error.js';

export function responsesErrorResponse(e: GatewayError): { status: number; body: unknown; headers?: Record<string, string> } {
  const headers = e.retryAfter === undefined ? undefined : { 'retry-after': String(e.retryAfter) };
  return { status: e.status, body: e.toBody(), ...(headers && { headers }) };
}

/** OpenAI's wording for an id it does not hold (expired here counts as unknown). */
export const previousResponseNotFound = (id: string): GatewayError =>
  new GatewayError({
    status: 404,
    message: `Previous response with id '${clip(id)}' not found.`,
    type: 'invalid_request_error',
    param: 'previous_response_id',
    code: 'previous_response_not_found',
  });

export const itemNotFound = (id: string, param: string): GatewayError =>
  new GatewayError({ status: 404, message: `Item with id '${clip(id)}' not found.`, type: 'invalid_request_error', param, code: null });

/** A field that would change the answer and that a translated provider cannot honour. */
export const unsupported = (param: string, what: string): GatewayError =>
  new GatewayError({ status: 400, message: `${what} is not supported when the Responses API is translated for this provider.`, type: 'invalid_request_error', param, code: 'unsupported_parameter' });

/** Ids are client input: echoed, but never at any length. */
const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
