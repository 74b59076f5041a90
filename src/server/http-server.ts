/** The HTTP server: node:http, one handler, every failure rendered as an OpenAI-shaped error. */
import { createServer, type Server } from 'node:http';
import { UnifiedApi } from '../core/unified.js';
import { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { route } from './routes.js';
import { sendError, toGatewayError } from './respond.js';

export function createHttpServer(gw: Gateway): Server {
  const unified = new UnifiedApi(gw.compiled);
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    const ctx = new RequestContext(req, res);
    gw.inFlight.add(ctx);
    route(gw, unified, ctx).then(
      () => logDone(gw, ctx),
      (err: unknown) => {
        const error = toGatewayError(err);
        if (error.status >= 500 && !(err instanceof Error && err.name === 'GatewayError')) {
          gw.logger.error({ requestId: ctx.id, err: (err as Error)?.message }, 'unexpected error');
        }
        if (!ctx.clientGone) sendError(ctx, error);
        logDone(gw, ctx);
      },
    );
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  return server;
}

/** Query strings may carry client secrets (`?key=`); logs get the path only. */
function pathOnly(url: string | undefined): string | undefined {
  const q = url?.indexOf('?') ?? -1;
  return q === -1 ? url : url?.slice(0, q);
}

function logDone(gw: Gateway, ctx: RequestContext): void {
  if (!gw.accessLog.enabled) return;
  const { res } = ctx;
  const write = (): void =>
    gw.accessLog.write({
      requestId: ctx.id,
      method: ctx.req.method,
      path: pathOnly(ctx.req.url),
      status: res.statusCode,
      provider: ctx.provider,
      attempts: ctx.attempts || undefined,
      ms: Math.round(ctx.elapsedMs() * 10) / 10,
      clientGone: ctx.clientGone || undefined,
    });
  if (res.writableFinished || ctx.clientGone) write();
  else ctx.onClose(write);
}
