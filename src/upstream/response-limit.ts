/**
 * The most of one upstream response the gateway holds in memory: a parsed (non-streamed) body,
 * or one event of a translated stream. Piped bodies are never held, so they have no limit.
 */
import { GatewayError } from '../core/gateway-error.js';

/** `dispatcher.max-response-size`'s default. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** 502: the provider sent more than the gateway will hold; the rest was not read. */
export function responseTooLarge(limit: number, provider?: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'upstream_response_too_large',
    provider,
    message: `${provider ?? 'The provider'} sent a response larger than the gateway's limit of ${formatBytes(limit)} (dispatcher.max-response-size); it was refused.`,
  });
}
