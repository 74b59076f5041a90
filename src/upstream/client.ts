/**
 * The upstream hop: one undici keep-alive Pool per origin (and connect timeout), with the
 * gateway's timeouts. undici's `request` hands back a Node Readable body, so bytes can be piped
 * without fetch/WHATWG-stream overhead.
 *
 * Measured against node:http's Agent on the same load, undici costs ~25% less CPU per request;
 * it carries ~10 MB more resident memory (its HTTP parser is WebAssembly), which we accept.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createPool, poolRequest, type Pool } from './undici-parts.js';
import { GatewayError } from '../core/gateway-error.js';
import type { CancelSignal } from '../core/cancel-signal.js';
import type { UpstreamRequest } from '../providers/types.js';

export interface UpstreamTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** Until response headers arrive (the first byte). */
  firstByteMs: number;
  /** The whole request; also the longest silence tolerated while a body is read. */
  totalMs: number;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface ProxyRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Bytes, or the client's request stream piped straight up. */
  body: Buffer | string | Readable | undefined;
}

const CONNECTIONS_PER_ORIGIN = 256;

export class UpstreamClient {
  /** origin → connect timeout → pool (two lookups, no key string built per request). */
  private readonly pools = new Map<string, Map<number, Pool>>();

  /** Connect timeouts are a pool setting in undici, so a route with its own gets its own pool. */
  private pool(origin: string, connectMs: number): Pool {
    let byTimeout = this.pools.get(origin);
    if (!byTimeout) this.pools.set(origin, (byTimeout = new Map()));
    let pool = byTimeout.get(connectMs);
    if (!pool) {
      pool = createPool(origin, {
        connections: CONNECTIONS_PER_ORIGIN,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: connectMs },
      });
      byTimeout.set(connectMs, pool);
    }
    return pool;
  }

  send(req: UpstreamRequest, timeouts: UpstreamTimeouts, signal: CancelSignal): Promise<UpstreamResponse> {
    return this.proxy(req.origin, req, timeouts, signal);
  }

  /**
   * Sends one request and resolves at the response headers. Cancelling `signal` aborts the
   * request, or the response still being read, which closes the upstream socket at once.
   */
  proxy(origin: string, req: ProxyRequest, timeouts: UpstreamTimeouts, signal: CancelSignal): Promise<UpstreamResponse> {
    return poolRequest(this.pool(origin, timeouts.connectMs), {
      method: req.method as 'POST',
      path: req.path,
      headers: req.headers,
      body: req.body,
      signal,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.totalMs,
    });
  }

  close(): void {
    for (const byTimeout of this.pools.values()) for (const pool of byTimeout.values()) void pool.destroy();
  }
}

/** Reads a whole (small) body as text, keeping at most `limit` bytes. */
export async function readText(body: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size < limit) chunks.push(buf);
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

/** Reads a whole body as JSON; a SyntaxError means the provider sent something else. */
export async function readJson(body: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Turns a network failure into a gateway error: 504 for timeouts, 502 for everything else. */
export function upstreamFailure(err: unknown, provider: string, deadlineHit: boolean): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (deadlineHit || TIMEOUT_CODES.has(code)) {
    const what =
      code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting' : code === 'UND_ERR_BODY_TIMEOUT' ? 'waiting for more of the response' : 'waiting for a response';
    return new GatewayError({
      status: 504,
      message: `${provider} timed out ${what}. Try again, or raise the gateway's dispatcher timeouts if the model is slow.`,
      type: 'timeout_error',
      code: 'upstream_timeout',
      provider,
    });
  }
  const reason = code || (err as Error).message || 'connection failed';
  return new GatewayError({
    status: 502,
    message: `${provider} could not be reached (${reason}). Check the provider's base-url and that it is up.`,
    type: 'api_error',
    code: 'upstream_unreachable',
    provider,
  });
}
