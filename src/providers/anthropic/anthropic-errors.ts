/**
 * Anthropic error bodies — `{type:"error", error:{type, message}, request_id}` — as GatewayErrors,
 * both for HTTP error responses and for `error` events in the middle of a stream.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, parseRetryAfter } from '../../core/gateway-error.js';
import type { AnthropicErrorPayload } from './anthropic-api-types.js';

/** 529 is Anthropic's "overloaded" (all capacity, not the caller's quota): a 503 for clients. */
const OVERLOADED_STATUS = 529;

/** HTTP status for an error type, for stream error events, which carry no status of their own. */
const STATUS_BY_ERROR_TYPE: ReadonlyMap<string, number> = new Map([
  ['invalid_request_error', 400],
  ['authentication_error', 401],
  ['billing_error', 402],
  ['permission_error', 403],
  ['not_found_error', 404],
  ['request_too_large', 413],
  ['rate_limit_error', 429],
  ['api_error', 500],
  ['overloaded_error', 503],
  ['timeout_error', 504],
]);

const clientStatus = (status: number) => (status === OVERLOADED_STATUS ? 503 : status);

function readPayload(body: string): AnthropicErrorPayload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const inner = (parsed as { error?: unknown }).error;
  return typeof inner === 'object' && inner !== null ? (inner as AnthropicErrorPayload) : undefined;
}

/**
 * A 429 for a spend limit is a hard quota, not a rate limit: `insufficient_quota` (OpenAI's code
 * for the same case) tells retry logic and clients not to wait and retry.
 */
function errorCode(payload: AnthropicErrorPayload | undefined): string | null {
  if (payload?.details?.error_code === 'enforced_spend_limit_reached') return 'insufficient_quota';
  return typeof payload?.type === 'string' ? payload.type : null;
}

export function mapAnthropicError(status: number, headers: IncomingHttpHeaders, body: string, providerName: string): GatewayError {
  const payload = readPayload(body);
  const message =
    typeof payload?.message === 'string' && payload.message !== ''
      ? payload.message
      : body.trim().slice(0, 500) || `upstream answered HTTP ${status}`;
  return new GatewayError({
    status: clientStatus(status),
    message: `${providerName}: ${message}`,
    code: errorCode(payload),
    retryAfter: parseRetryAfter(headers['retry-after']),
    provider: providerName,
  });
}

/** An `error` event received after the stream started; unknown types become a 502. */
export function mapAnthropicStreamError(payload: AnthropicErrorPayload | undefined, providerName: string): GatewayError {
  const type = typeof payload?.type === 'string' ? payload.type : undefined;
  return new GatewayError({
    status: (type !== undefined && STATUS_BY_ERROR_TYPE.get(type)) || 502,
    message: `${providerName}: ${typeof payload?.message === 'string' ? payload.message : 'stream error'}`,
    code: errorCode(payload),
    provider: providerName,
  });
}
