/** The HTTP server: node:http, one handler, every failure rendered as an OpenAI-shaped error. */
import { createServer, type Server } from 'node:http';
import { UnifiedApi } from '../core/unified.js';
import { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { route } from './routes.js';
import { sendError, toGatewayError } from './respond.js';
import { logDone } from './request-log.js';

export function createHttpServer(gw: Gateway): Server {
  const unified = new UnifiedApi(gw.compiled);
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    const ctx = new RequestContext(req, res);
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
