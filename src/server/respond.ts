/**
 * Writing responses: JSON bodies, OpenAI-shaped errors, the gateway's own headers.
 *
 * Which provider answered is sent under our name and Helicone's (`helicone-provider`), and the
 * provider's own request id likewise (`helicone-provider-req-id`), so tooling written for
 * Helicone keeps working. `response-headers.provider` / `provider-request-id: false` remove both
 * spellings.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';
import type { RequestContext } from './context.js';

export const PROVIDER_HEADER = 'x-ai-gateway-provider';
export const ATTEMPTS_HEADER = 'x-ai-gateway-attempts';
export const PROVIDER_REQUEST_ID_HEADER = 'x-ai-gateway-provider-request-id';
export const HELICONE_PROVIDER_HEADER = 'helicone-provider';
export const HELICONE_PROVIDER_REQUEST_ID_HEADER = 'helicone-provider-req-id';

/** `response-headers` in the config. */
export interface ResponseHeaderSettings {
  readonly provider: boolean;
  readonly 'provider-request-id': boolean;
}

export const ALL_RESPONSE_HEADERS: ResponseHeaderSettings = { provider: true, 'provider-request-id': true };

/** The provider's id for this request, as OpenAI, Anthropic (`request-id`) and AWS name it. */
function providerRequestId(headers: IncomingHttpHeaders): string | undefined {
  const id = headers['x-request-id'] ?? headers['request-id'] ?? headers['x-amzn-requestid'];
  return typeof id === 'string' ? id : undefined;
}

/** The gateway's headers; with `upstream` (the provider's response headers), its request id too. */
export function gatewayHeaders(ctx: RequestContext, upstream?: IncomingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'x-request-id': ctx.id };
  if (ctx.provider) {
    if (ctx.responseHeaders.provider) {
      headers[PROVIDER_HEADER] = ctx.provider;
      headers[HELICONE_PROVIDER_HEADER] = ctx.provider;
    }
    headers[ATTEMPTS_HEADER] = String(ctx.attempts);
  }
  if (upstream && ctx.responseHeaders['provider-request-id']) {
    const id = providerRequestId(upstream);
    if (id) {
      headers[PROVIDER_REQUEST_ID_HEADER] = id;
      headers[HELICONE_PROVIDER_REQUEST_ID_HEADER] = id;
    }
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
  if (err.provider) ctx.provider ??= err.provider;
  ctx.errorCode = err.code ?? err.type;
  if (ctx.dialect) {
    const rendered = ctx.dialect.renderError(err);
    sendJson(ctx, rendered.status, rendered.body, rendered.headers);
    return;
  }
  const extra: OutgoingHttpHeaders = {};
  if (err.retryAfter !== undefined) extra['retry-after'] = String(err.retryAfter);
  sendJson(ctx, err.status, err.toBody(), extra);
}
