/**
 * Graceful shutdown of one serving process: stop accepting, close idle keep-alive connections,
 * let the requests in flight finish — and end as soon as they have. At the timeout, whatever is
 * still open is cancelled with `gateway_shutting_down`: a stream that already started ends with
 * that as an SSE error event (the stream writers render it, as they do an upstream failure), a
 * request still waiting for its provider gets it as a 503.
 */
import type { Server } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';
import type { Gateway } from './gateway.js';

/** How long cancelled responses get to write their last event before the process ends anyway. */
const LAST_WORDS_MS = 1000;

export type DrainEnd = 'drained' | 'timeout';

export interface Drain {
  /** Requests in flight when the drain began. */
  inFlight: number;
  /** Settles once every request has finished, or after the timeout. */
  done: Promise<DrainEnd>;
}

export function shuttingDown(timeoutMs: number): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'api_error',
    code: 'gateway_shutting_down',
    message: `The gateway is shutting down and could not finish this response within server.shutdown-timeout (${timeoutMs / 1000}s). Retry the request.`,
  });
}

export function isShuttingDown(err: unknown): err is GatewayError {
  return err instanceof GatewayError && err.code === 'gateway_shutting_down';
}

/** The SSE event a cancelled passthrough stream ends with; `event: error` is what Anthropic's SDK looks for, OpenAI's reads the `error` field. */
export function shutdownSseEvent(error: GatewayError): string {
  return `\n\nevent: error\ndata: ${JSON.stringify(error.toBody())}\n\n`;
}

export function drainServer(server: Server, gw: Gateway, timeoutMs: number): Drain {
  const inFlight = gw.inFlight;
  const count = inFlight.size;
  // Stops accepting and closes the idle keep-alive connections.
  server.close();
  const done = new Promise<DrainEnd>((resolve) => {
    let end: DrainEnd = 'drained';
    let pendingIdleClose = false;
    const closeIdle = (): void => {
      pendingIdleClose = false;
      server.closeIdleConnections();
    };
    const open = inFlight.drain(() => {
      if (open.size === 0) return finish();
      // A connection whose response just ended becomes idle only after this turn.
      if (!pendingIdleClose) {
        pendingIdleClose = true;
        setImmediate(closeIdle);
      }
    });
    let lastWords: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      end = 'timeout';
      const error = shuttingDown(timeoutMs);
      for (const ctx of [...open]) ctx.signal.abort(error);
      if (open.size === 0) return finish();
      lastWords = setTimeout(finish, LAST_WORDS_MS);
    }, timeoutMs);
    function finish(): void {
      clearTimeout(timer);
      clearTimeout(lastWords);
      resolve(end);
    }
    if (open.size === 0) finish();
  });
  return { inFlight: count, done };
}
