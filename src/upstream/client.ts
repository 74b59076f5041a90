/**
 * The upstream hop: one undici keep-alive Pool per origin, with the gateway's timeouts.
 * undici's `request` hands back a Node Readable body, so bytes can be piped without
 * fetch/WHATWG-stream overhead.
 */
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { GatewayError } from '../core/gateway-error.js';
import type { UpstreamRequest } from '../providers/types.js';

export interface UpstreamTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** Until response headers arrive (the first byte). */
  firstByteMs: number;
  /** Longest silence between body chunks. */
  idleMs: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

export class UpstreamClient {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connectTimeoutMs: number) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.connectTimeoutMs },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  send(req: UpstreamRequest, timeouts: UpstreamTimeouts, signal: AbortSignal): Promise<UpstreamResponse> {
    return this.pool(req.origin).request({
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: req.body,
      signal,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    });
  }

  /** Passthrough: the client's body is streamed straight up. */
  stream(
    origin: string,
    options: Omit<Dispatcher.RequestOptions, 'origin'>,
  ): Promise<UpstreamResponse> {
    return this.pool(origin).request(options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Turns a network failure into a gateway error: 504 for timeouts, 502 for everything else. */
export function upstreamFailure(err: unknown, provider: string, deadlineHit: boolean): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (deadlineHit || TIMEOUT_CODES.has(code) || err instanceof undiciErrors.ConnectTimeoutError) {
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
