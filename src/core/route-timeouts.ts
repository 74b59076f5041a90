/**
 * Upstream timeouts of one route, resolved once at startup from `dispatcher` (global) and
 * `routers.<id>.dispatcher` (per router, key by key):
 *   connection-timeout (Helicone: connection_timeout)  TCP/TLS connect, per attempt        — 10s
 *   first-byte-timeout (ours)                          until response headers, per attempt — = timeout
 *   stream-first-byte-timeout (ours)                   the same for streaming requests     — 60s
 *                                                      (never longer than first-byte-timeout)
 *   timeout                                            the whole request: every attempt, backoff and
 *                                                      the full response body             — 15m
 *
 * Streams get a short default because a streaming provider answers its headers at once when it is
 * well: one that stays silent for a minute is hung, and the next provider should take over. A
 * non-streamed answer is only sent when it is complete, so silence there may be a long answer.
 */
import type { UpstreamTimeouts } from '../upstream/client.js';

export interface DispatcherTimeouts {
  timeout?: number;
  connection_timeout?: number;
  'connection-timeout'?: number;
  'first-byte-timeout'?: number;
  'stream-first-byte-timeout'?: number;
}

export interface RouteTimeouts {
  connectMs: number;
  firstByteMs: number;
  /** First-byte timeout of streaming requests. */
  streamFirstByteMs: number;
  totalMs: number;
  /** What the upstream client takes, built once: non-streaming requests. */
  upstream: UpstreamTimeouts;
  /** The same for streaming requests. */
  upstreamStream: UpstreamTimeouts;
}

export const DEFAULT_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_STREAM_FIRST_BYTE_MS = 60_000;

export function resolveTimeouts(global: DispatcherTimeouts, own: DispatcherTimeouts = {}): RouteTimeouts {
  const totalMs = own.timeout ?? global.timeout ?? DEFAULT_TIMEOUT_MS;
  const connectMs =
    own['connection-timeout'] ?? own.connection_timeout ?? global['connection-timeout'] ?? global.connection_timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const firstByteMs = Math.min(own['first-byte-timeout'] ?? global['first-byte-timeout'] ?? totalMs, totalMs);
  const streamFirstByteMs = Math.min(own['stream-first-byte-timeout'] ?? global['stream-first-byte-timeout'] ?? DEFAULT_STREAM_FIRST_BYTE_MS, firstByteMs);
  return {
    connectMs,
    firstByteMs,
    streamFirstByteMs,
    totalMs,
    upstream: { connectMs, firstByteMs, totalMs },
    upstreamStream: { connectMs, firstByteMs: streamFirstByteMs, totalMs },
  };
}
