/**
 * Google error envelopes (`{error:{code,message,status,details}}`, or the same wrapped in an
 * array) → GatewayError. The HTTP status is kept, except that Google answers a bad API key with
 * 400 `API_KEY_INVALID`, which clients expect as 401. `code` is Google's status name in lower
 * case (`resource_exhausted`, `invalid_argument`), or `invalid_api_key` for a bad key, matching
 * OpenAI's code. The retry hint comes from `RetryInfo.retryDelay`, else `retry-after`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, parseRetryAfter } from '../../core/gateway-error.js';
import type { GoogleStatus } from './gemini-types.js';

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

export function mapGeminiError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  const inner = (parsed as { error?: unknown } | undefined)?.error;
  const googleStatus = typeof inner === 'object' && inner !== null ? (inner as GoogleStatus) : undefined;
  const fallback = body.trim().slice(0, 500) || `upstream answered HTTP ${status}`;
  return googleStatusToError(status, googleStatus, provider, parseRetryAfter(headers['retry-after']), fallback);
}

/** Also used for error objects that arrive inside a stream. */
export function googleStatusToError(
  httpStatus: number,
  google: GoogleStatus | undefined,
  provider: string,
  headerRetryAfter?: number,
  fallbackMessage = 'upstream error',
): GatewayError {
  let reason: string | undefined;
  let retryDelay: number | undefined;
  for (const detail of google?.details ?? []) {
    if (detail['@type'] === ERROR_INFO && typeof detail.reason === 'string') reason = detail.reason;
    else if (detail['@type'] === RETRY_INFO && typeof detail.retryDelay === 'string') retryDelay = parseDuration(detail.retryDelay);
  }
  const badKey = reason === 'API_KEY_INVALID';
  const message = typeof google?.message === 'string' && google.message !== '' ? google.message : fallbackMessage;
  return new GatewayError({
    status: badKey ? 401 : httpStatus,
    message: `${provider}: ${message}`,
    code: badKey ? 'invalid_api_key' : typeof google?.status === 'string' ? google.status.toLowerCase() : null,
    retryAfter: retryDelay ?? headerRetryAfter,
    provider,
  });
}

/** Protobuf JSON durations (`"34.4s"`) → whole seconds, rounded up so a retry is never early. */
function parseDuration(value: string): number | undefined {
  if (!value.endsWith('s')) return undefined;
  const seconds = Number(value.slice(0, -1));
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}
