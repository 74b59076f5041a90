/**
 * Upstream timeouts of one route, resolved once at startup from `dispatcher` (global) and
 * `routers.<id>.dispatcher` (per router, key by key):
 *   connection-timeout (Helicone: connection_timeout)  TCP/TLS connect, per attempt   — 10s
 *   first-byte-timeout (ours)                          until response headers, per attempt — = timeout
 *   timeout                                            the whole request: every attempt, backoff and
 *                                                      the full response body        — 15m
 */
import type { UpstreamTimeouts } from '../upstream/client.js';

export interface DispatcherTimeouts {
  timeout?: number;
  connection_timeout?: number;
  'connection-timeout'?: number;
  'first-byte-timeout'?: number;
}

export interface RouteTimeouts {
  connectMs: number;
  firstByteMs: number;
  totalMs: number;
  /** What the upstream client takes, built once. */
  upstream: UpstreamTimeouts;
}

export const DEFAULT_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function resolveTimeouts(global: DispatcherTimeouts, own: DispatcherTimeouts = {}): RouteTimeouts {
  const totalMs = own.timeout ?? global.timeout ?? DEFAULT_TIMEOUT_MS;
  const connectMs =
    own['connection-timeout'] ?? own.connection_timeout ?? global['connection-timeout'] ?? global.connection_timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const firstByteMs = Math.min(own['first-byte-timeout'] ?? global['first-byte-timeout'] ?? totalMs, totalMs);
  return { connectMs, firstByteMs, totalMs, upstream: { connectMs, firstByteMs, totalMs } };
}
