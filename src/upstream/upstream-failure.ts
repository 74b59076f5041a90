/**
 * Network failures of the upstream hop as gateway errors whose message says what really
 * happened: a connect timeout is not a slow model, a refused connection is not a timeout, a pool
 * that is full is the gateway's own limit, not the provider's fault. Each error also carries a
 * short `reason` (`connect ECONNREFUSED`) for attempt lists and log lines.
 */
import { GatewayError } from '../core/gateway-error.js';
import type { UpstreamTimeouts } from './client.js';
import { PoolExhaustedError } from './pool-gate.js';

export const POOL_EXHAUSTED_CODE = 'upstream_pool_exhausted';

/** An undici timeout, with the limit that ran out (undici's own errors do not say). */
export class UpstreamTimeoutError extends Error {
  override readonly name = 'UpstreamTimeoutError';

  constructor(
    readonly code: string,
    readonly timeoutMs: number,
  ) {
    super(`${code} after ${timeoutMs}ms`);
  }
}

/** Gives an undici timeout error the limit that applied; any other error is returned as is. */
export function withTimeoutLimit(err: Error, timeouts: UpstreamTimeouts): Error {
  const code = (err as { code?: unknown }).code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new UpstreamTimeoutError(code, timeouts.connectMs);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamTimeoutError(code, timeouts.firstByteMs);
  if (code === 'UND_ERR_BODY_TIMEOUT') return new UpstreamTimeoutError(code, timeouts.totalMs);
  return err;
}

/** `90s`, `1.5s`, `2m`, `300ms`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 100) / 10}s`;
}

/** Network error codes in words: [short reason, what it means]. */
const NETWORK_CODES: Readonly<Record<string, readonly [string, string]>> = {
  ECONNREFUSED: ['connect ECONNREFUSED', 'the connection was refused (nothing listens at its address)'],
  ENOTFOUND: ['DNS ENOTFOUND', 'its host name does not resolve'],
  EAI_AGAIN: ['DNS EAI_AGAIN', 'the DNS lookup of its host name failed'],
  ECONNRESET: ['ECONNRESET', 'the connection was reset'],
  EPIPE: ['EPIPE', 'the connection was closed while the request was being sent'],
  EHOSTUNREACH: ['EHOSTUNREACH', 'there is no network route to its host'],
  ENETUNREACH: ['ENETUNREACH', 'there is no network route to its host'],
  UND_ERR_SOCKET: ['connection closed', 'it closed the connection without answering'],
  UND_ERR_CLOSED: ['connection closed', 'the connection was closed'],
};

/** A 504: every timeout has the same shape, only the code and the words differ. */
function timedOut(provider: string, reason: string, message: string, code = 'upstream_timeout'): GatewayError {
  return new GatewayError({ status: 504, type: 'timeout_error', code, provider, reason, message: `${provider}: ${message}` });
}

function timeoutError(provider: string, code: string, ms: number | undefined): GatewayError {
  const limit = ms !== undefined ? ` within ${formatMs(ms)}` : '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return timedOut(
      provider,
      `connect timeout${ms !== undefined ? ` (${formatMs(ms)})` : ''}`,
      `could not open a connection${limit} (connect timeout); the provider's host did not accept one. Check its base-url, the network and that it is up (dispatcher.connection-timeout sets the limit).`,
      'upstream_connect_timeout',
    );
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return timedOut(
      provider,
      `no response${limit} (first-byte timeout)`,
      `connected, but sent no response${limit} (first-byte timeout). Try again, or raise dispatcher.stream-first-byte-timeout (streams) / first-byte-timeout if it is slow to start.`,
    );
  }
  return timedOut(provider, `response stalled${limit}`, `stopped sending for${ms !== undefined ? ` ${formatMs(ms)}` : ' too long'} in the middle of its response. Try again.`);
}

/** The request's own deadline (`dispatcher.timeout`) passed. */
export function deadlineError(provider: string, totalMs: number | undefined, started: boolean): GatewayError {
  const limit = totalMs !== undefined ? ` (${formatMs(totalMs)})` : '';
  return timedOut(
    provider,
    `not finished within dispatcher.timeout${limit}`,
    started
      ? `the response did not finish within the gateway's timeout${limit}; it is incomplete. Raise dispatcher.timeout if answers take longer.`
      : `no answer within the gateway's timeout${limit}. Raise dispatcher.timeout if answers take longer.`,
  );
}

function poolExhausted(provider: string, err: PoolExhaustedError): GatewayError {
  const { maxConnections, maxQueued, queueTimeoutMs } = err.limits;
  return new GatewayError({
    status: 503,
    code: POOL_EXHAUSTED_CODE,
    provider,
    retryAfter: 1,
    reason: err.kind === 'full' ? `all ${maxConnections} connections busy, ${maxQueued} waiting` : `no free connection within ${formatMs(queueTimeoutMs)}`,
    message:
      err.kind === 'full'
        ? `${provider}: all ${maxConnections} gateway connections to this provider are busy and ${maxQueued} requests are already waiting for one, so this one was refused at once. Retry shortly, or raise dispatcher.max-connections / max-queued.`
        : `${provider}: all ${maxConnections} gateway connections to this provider stayed busy for ${formatMs(queueTimeoutMs)}, so this request was refused without being sent. Retry shortly, or raise dispatcher.max-connections / queue-timeout.`,
  });
}

/** Whether the provider was contacted (so its health may judge the failure). */
export function providerReached(error: GatewayError): boolean {
  return error.code !== POOL_EXHAUSTED_CODE;
}

/**
 * Turns a network failure into a gateway error: 504 for timeouts (the request's deadline when
 * `deadlineHit`), 503 when the gateway's pool to the provider is full, 502 for everything else.
 */
export function upstreamFailure(err: unknown, provider: string, deadlineHit: boolean, totalMs?: number): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof PoolExhaustedError) return poolExhausted(provider, err);
  if (deadlineHit) return deadlineError(provider, totalMs, false);
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' ? code : '';
  if (known.startsWith('UND_ERR_') && known.endsWith('_TIMEOUT')) {
    return timeoutError(provider, known, err instanceof UpstreamTimeoutError ? err.timeoutMs : undefined);
  }
  if (known === 'ETIMEDOUT') {
    return timedOut(provider, 'ETIMEDOUT', 'the network connection timed out (ETIMEDOUT). Check the network path to the provider and that it is up.');
  }
  const words = NETWORK_CODES[known];
  const tls = !words && /cert|ssl|tls/i.test(`${known} ${(err as Error)?.message ?? ''}`);
  const detail = (err as Error)?.message || 'connection failed';
  const reason = words ? words[0] : tls ? `TLS ${known || detail}` : known || detail;
  const meaning = words ? words[1] : tls ? `the TLS handshake failed (${detail})` : `the connection failed (${detail})`;
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'upstream_unreachable',
    provider,
    reason,
    message: `${provider}: could not be reached — ${meaning}. Check the provider's base-url and that it is up.`,
  });
}
