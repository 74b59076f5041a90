/**
 * The access line of one request, written once its response is over (finished or not), and the
 * mark that a started response was cut off.
 */
import type { GatewayError } from '../core/gateway-error.js';
import type { Outcome } from '../observability/access-log.js';
import type { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';

/** nginx's convention for "the client closed the request before a status was sent". */
const CLIENT_CLOSED_STATUS = 499;

/** Query strings may carry client secrets (`?key=`); logs get the path only. */
function pathOnly(url: string | undefined): string | undefined {
  const q = url?.indexOf('?') ?? -1;
  return q === -1 ? url : url?.slice(0, q);
}

function outcomeOf(ctx: RequestContext): Outcome {
  // The gateway destroys a broken non-streamed response itself, which also reads as "client gone".
  if (ctx.interrupted) return 'interrupted';
  if (ctx.clientGone) return 'client_gone';
  return ctx.res.statusCode >= 400 ? 'error' : 'ok';
}

export function logDone(gw: Gateway, ctx: RequestContext): void {
  if (!gw.accessLog.enabled) return;
  const { res } = ctx;
  const write = (): void =>
    gw.accessLog.write({
      requestId: ctx.id,
      method: ctx.req.method,
      path: pathOnly(ctx.req.url),
      // A client that left before the status line got none: not the 200 Node defaults to.
      status: res.headersSent ? res.statusCode : CLIENT_CLOSED_STATUS,
      provider: ctx.provider,
      attempts: ctx.attempts || undefined,
      ms: Math.round(ctx.elapsedMs() * 10) / 10,
      outcome: outcomeOf(ctx),
    });
  if (res.writableFinished || ctx.clientGone) write();
  else ctx.onClose(write);
}

/** A response that had started broke off (the provider's fault, or the deadline's): say so once. */
export function markInterrupted(gw: Gateway, ctx: RequestContext, provider: string, error: GatewayError): void {
  if (ctx.interrupted || ctx.clientGone) return;
  ctx.interrupted = true;
  gw.events.streamInterrupted(ctx.id, provider, error);
}
