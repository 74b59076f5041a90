/**
 * GatewayErrors in Anthropic's error shape, `{"type":"error","error":{"type","message"}}`, with
 * Anthropic's status codes, so the Anthropic SDK raises its own classes (BadRequestError,
 * RateLimitError, InternalServerError for 529, …) and retries what Anthropic's API would.
 */
import type { GatewayError } from '../../core/gateway-error.js';

/** Anthropic's status for "overloaded": every provider's capacity shortage comes back as it. */
const OVERLOADED = 529;

export interface MessagesErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

function anthropicStatus(e: GatewayError): number {
  // The Anthropic adapter turns 529 into 503 (code `overloaded_error`); other providers say 503 too.
  if (e.status === 503 || e.status === OVERLOADED) return OVERLOADED;
  return e.status;
}

function errorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case OVERLOADED:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function messagesErrorBody(e: GatewayError): MessagesErrorBody {
  return { type: 'error', error: { type: errorType(anthropicStatus(e)), message: e.message } };
}

export function messagesErrorResponse(e: GatewayError): { status: number; body: MessagesErrorBody; headers?: Record<string, string> } {
  const status = anthropicStatus(e);
  const body = messagesErrorBody(e);
  return e.retryAfter === undefined ? { status, body } : { status, body, headers: { 'retry-after': String(e.retryAfter) } };
}
