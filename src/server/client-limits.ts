/**
 * Bounds on what a client may hold: the time to send its headers and its whole request, and
 * how long it may leave a response unread. Node enforces the first two (`headersTimeout`,
 * `requestTimeout`, checked every `connectionsCheckingInterval`); the third is a sweep over the
 * open connections here, so none of them costs anything per request.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';

export interface ClientLimits {
  headerTimeoutMs: number;
  bodyTimeoutMs: number;
  writeStallMs: number;
}

export function clientLimits(server: GatewayConfig['server']): ClientLimits {
  return { headerTimeoutMs: server['header-timeout'], bodyTimeoutMs: server['body-timeout'], writeStallMs: server['write-stall-timeout'] };
}

/** How often Node checks the header and body deadlines: a quarter of the shorter one, 250 ms to 5 s. */
function checkEveryMs(limits: ClientLimits): number {
  const shortest = Math.min(...[limits.headerTimeoutMs, limits.bodyTimeoutMs].filter((ms) => ms > 0));
  return Number.isFinite(shortest) ? Math.min(5000, Math.max(250, Math.floor(shortest / 4))) : 30_000;
}

/** Options for `createServer`. Node refuses a header timeout longer than the request's; the whole request bounds its headers anyway. */
export function serverTimeoutOptions(limits: ClientLimits): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  const { headerTimeoutMs: header, bodyTimeoutMs: body } = limits;
  return {
    headersTimeout: body > 0 && (header === 0 || header > body) ? body : header,
    requestTimeout: body,
    connectionsCheckingInterval: checkEveryMs(limits),
  };
}

/**
 * Drops connections whose response has been backpressured — the client stopped reading — for
 * `writeStallMs` without a single drain. A slow provider never trips it: with nothing to write,
 * nothing is backpressured.
 */
export function watchWriteStalls(server: Server, secure: boolean, writeStallMs: number, logger: Logger): void {
  if (writeStallMs <= 0) return;
  const sockets = new Set<Socket>();
  /** Backpressured sockets → when the sweep first saw them so. */
  const stalled = new Map<Socket, number>();
  function forget(this: Socket): void {
    sockets.delete(this);
    stalled.delete(this);
  }
  function drained(this: Socket): void {
    stalled.delete(this);
  }
  // Over TLS the responses write to the TLS socket, which 'secureConnection' hands out.
  server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('drain', drained);
    socket.once('close', forget);
  });
  const sweep = (): void => {
    const now = performance.now();
    for (const socket of sockets) {
      if (!socket.writableNeedDrain) {
        stalled.delete(socket);
        continue;
      }
      const since = stalled.get(socket);
      if (since === undefined) stalled.set(socket, now);
      else if (now - since >= writeStallMs) {
        stalled.delete(socket);
        logger.info({ remote: socket.remoteAddress, stalledMs: Math.round(now - since) }, 'client stopped reading its response; connection dropped (server.write-stall-timeout)');
        socket.destroy();
      }
    }
  };
  const timer = setInterval(sweep, Math.min(5000, Math.max(100, Math.floor(writeStallMs / 4)))).unref();
  server.once('close', () => clearInterval(timer));
}
