/** Writing responses: JSON bodies, OpenAI-shaped errors, the gateway's own headers. */
import type { OutgoingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';
import type { RequestContext } from './context.js';

export const PROVIDER_HEADER = 'x-ai-gateway-provider';
export const ATTEMPTS_HEADER = 'x-ai-gateway-attempts';
export const PROVIDER_REQUEST_ID_HEADER = 'x-ai-gateway-provider-request-id';

export function gatewayHeaders(ctx: RequestContext): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'x-request-id': ctx.id };
  if (ctx.provider) {
    headers[PROVIDER_HEADER] = ctx.provider;
    headers[ATTEMPTS_HEADER] = String(ctx.attempts);
  }
  return headers;
}

export function sendJson(ctx: RequestContext, status: number, body: unknown, extra?: OutgoingHttpHeaders): void {
  const text = JSON.stringify(body);
  const headers = gatewayHeaders(ctx);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(text);
  if (extra) Object.assign(headers, extra);
  ctx.res.writeHead(status, headers);
  ctx.res.end(text);
}

/** Any thrown value → an OpenAI-shaped error response. Unexpected errors never leak internals. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError({ status: 500, type: 'server_error', message: 'The gateway hit an internal error. The request was not completed; try again.' });
}

export function sendError(ctx: RequestContext, err: GatewayError): void {
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  const extra: OutgoingHttpHeaders = {};
  if (err.retryAfter !== undefined) extra['retry-after'] = String(err.retryAfter);
  if (err.provider) ctx.provider ??= err.provider;
  sendJson(ctx, err.status, err.toBody(), extra);
}
