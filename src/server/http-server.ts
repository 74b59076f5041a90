/**
 * The HTTP(S) server: node:http (or node:https with `server.tls`), one handler, every failure
 * rendered as an OpenAI-shaped error — Node's own parser errors included (client-errors.ts).
 * Before routing, a request passes the checks that keep browsers and slow clients in bounds:
 * the loopback `Host` check (host-check.ts) and CORS (cors.ts); the timeouts and the write-stall
 * sweep live in client-limits.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { UnifiedApi } from '../core/unified.js';
import { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { route } from './routes.js';
import { sendError, toGatewayError } from './respond.js';
import { inflightBodies } from './body-budget.js';
import { isClientAbort } from './body.js';
import { onClientError, whyBodyStopped } from './client-errors.js';
import { clientLimits, serverTimeoutOptions, watchWriteStalls } from './client-limits.js';
import { CorsPolicy, isPreflight, originNotAllowed } from './cors.js';
import { hostNotAllowed, HostCheck, isLoopback } from './host-check.js';
import { readTlsFiles } from './tls.js';
import { logDone } from './request-log.js';
import { recordRefused } from '../observability/records/refused-request.js';

export type GatewayServer = Server | HttpsServer;

export function createHttpServer(gw: Gateway): GatewayServer {
  const unified = new UnifiedApi(gw.compiled);
  const config = gw.compiled.config.server;
  const limits = clientLimits(config);
  inflightBodies.resize(config['max-inflight-body-bytes']);
  const cors = config.cors ? new CorsPolicy(config.cors) : undefined;
  /** Set once listening, if the address is a loopback one. */
  let hosts: HostCheck | undefined;
  let boundAddress = config.address;

  const fail = (ctx: RequestContext, err: unknown): void => {
    if (isClientAbort(err)) {
      gw.logger.info({ requestId: ctx.id }, whyBodyStopped(ctx.req.socket));
      logDone(gw, ctx);
      return;
    }
    const error = toGatewayError(err);
    if (error.status >= 500 && !(err instanceof Error && err.name === 'GatewayError')) {
      gw.logger.error({ requestId: ctx.id, err: (err as Error)?.message }, 'unexpected error');
    }
    // Refused before the pipeline: recorded all the same (its close reports how it ended).
    recordRefused(gw, ctx);
    if (!ctx.clientGone) {
      // The rest of a body that is still arriving is not worth reading: answer, then close.
      if (!ctx.req.complete) ctx.res.shouldKeepAlive = false;
      sendError(ctx, error);
    }
    logDone(gw, ctx);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const ctx = new RequestContext(req, res, gw.compiled.config['response-headers']);
    gw.inFlight.add(ctx);
    const host = req.headers.host;
    if (hosts !== undefined && !hosts.allows(host)) return fail(ctx, hostNotAllowed(host ?? '', boundAddress));
    const origin = req.headers.origin;
    if (origin !== undefined && isPreflight(req)) {
      if (!cors?.allows(origin)) return fail(ctx, originNotAllowed(origin));
      cors.preflight(req, res, origin);
      return logDone(gw, ctx);
    }
    if (origin !== undefined && cors?.allows(origin)) cors.decorate(res, origin);
    route(gw, unified, ctx, cors).then(
      () => {
        // A streamed upload (passthrough) the client abandoned ends the route quietly.
        if (ctx.clientGone && !req.complete) gw.logger.info({ requestId: ctx.id }, whyBodyStopped(req.socket));
        logDone(gw, ctx);
      },
      (err: unknown) => fail(ctx, err),
    );
  };

  const options = { keepAliveTimeout: 65_000, ...serverTimeoutOptions(limits) };
  const tls = config.tls;
  const server = tls ? createHttpsServer({ ...options, ...readTlsFiles(tls) }, handle) : createServer(options, handle);
  server.on('clientError', onClientError);
  server.on('listening', () => {
    const bound = server.address();
    if (!bound || typeof bound !== 'object') return;
    boundAddress = bound.address;
    hosts = isLoopback(bound.address) ? new HostCheck(bound.address, bound.port, config['allowed-hosts']) : undefined;
  });
  watchWriteStalls(server, tls !== undefined, limits.writeStallMs, gw.logger);
  return server;
}
