/**
 * The route table, matched by path segments (no regular expressions per request):
 *   GET  /health · /metrics (Prometheus; 404 when metrics are disabled)
 *   POST /router/{id}[/v1]/chat/completions · /embeddings · /responses · /messages
 *        · /messages/count_tokens · GET /models
 *   POST /ai[/v1]/…   the same endpoints on the unified API (`provider/model`)
 *   POST /v1/…        the unified API at the root (an SDK with baseURL http://host:8080/v1)
 *   ANY  /{provider}/{path}          passthrough, for configured and built-in provider names only
 * Anything else is 404.
 */
import { GatewayError } from '../core/gateway-error.js';
import type { UnifiedApi } from '../core/unified.js';
import type { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { handleChat, handleEmbeddings } from './handlers/chat.js';
import { handleCountTokens, handleMessages } from './handlers/messages.js';
import { handleResponses } from './handlers/responses.js';
import type { PipelineRoute } from '../pipeline/run.js';
import { anthropicMessagesDialect } from '../ingress/anthropic-messages/dialect.js';
import { openAIResponsesDialect } from '../ingress/openai-responses/dialect.js';
import { listRouterModels, listUnifiedModels } from './handlers/models.js';
import { handlePassthrough } from './handlers/passthrough.js';
import { passthroughRest } from './passthrough-path.js';
import { suggestKey } from '../config/errors.js';
import { originNotAllowed, type CorsPolicy } from './cors.js';
import { gatewayHeaders, sendJson } from './respond.js';

function notFound(path: string, hint: string): GatewayError {
  return new GatewayError({ status: 404, code: 'not_found', message: `No route for ${path}. ${hint}` });
}

/** 405 with `Allow` (RFC 9110 §15.5.6), set on the response before the error is rendered. */
function methodNotAllowed(ctx: RequestContext, method: string, path: string, allowed: string): GatewayError {
  ctx.res.setHeader('allow', allowed);
  return new GatewayError({ status: 405, code: 'method_not_allowed', message: `${method} is not supported on ${path}; use ${allowed}.` });
}

/**
 * JSON endpoints take JSON only. Besides catching mistakes, this is what stops a web page from
 * posting to a gateway on localhost: the content types a browser sends cross-site without asking
 * first (`text/plain`, forms) are all refused, and `application/json` needs a CORS preflight.
 */
function requireJson(ctx: RequestContext): void {
  const type = ctx.req.headers['content-type'];
  if (type !== undefined && (type.startsWith('application/json') || type.toLowerCase().startsWith('application/json'))) return;
  throw new GatewayError({
    status: 415,
    code: 'unsupported_media_type',
    message: `This endpoint takes a JSON body; send content-type: application/json${type ? ` (got "${type.slice(0, 100)}")` : ''}.`,
  });
}

/** Strips an optional leading `v1` segment: SDK base URLs may or may not include it. */
function apiPath(segments: string[], from: number): string {
  const start = segments[from] === 'v1' ? from + 1 : from;
  return segments.slice(start).join('/');
}

async function dispatchApi(
  gw: Gateway,
  ctx: RequestContext,
  method: string,
  fullPath: string,
  endpoint: string,
  route: PipelineRoute,
  listModels: () => void,
): Promise<void> {
  switch (endpoint) {
    case 'messages':
    case 'messages/count_tokens':
      // From here on errors are Anthropic-shaped, so the Anthropic SDK raises its own classes.
      ctx.dialect = anthropicMessagesDialect;
      if (method !== 'POST') throw methodNotAllowed(ctx, method, fullPath, 'POST');
      requireJson(ctx);
      return endpoint === 'messages' ? handleMessages(gw, ctx, route) : handleCountTokens(gw, ctx, route);
    case 'responses':
      ctx.dialect = openAIResponsesDialect;
      if (method !== 'POST') throw methodNotAllowed(ctx, method, fullPath, 'POST');
      requireJson(ctx);
      return handleResponses(gw, ctx, route);
    case 'chat/completions':
      if (method !== 'POST') throw methodNotAllowed(ctx, method, fullPath, 'POST');
      requireJson(ctx);
      return handleChat(gw, ctx, route);
    case 'embeddings':
      if (method !== 'POST') throw methodNotAllowed(ctx, method, fullPath, 'POST');
      requireJson(ctx);
      return handleEmbeddings(gw, ctx, route);
    case 'models':
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(ctx, method, fullPath, 'GET, HEAD');
      return listModels();
    default:
      throw notFound(fullPath, 'Supported here: chat/completions, embeddings, responses, messages, messages/count_tokens, models.');
  }
}

export async function route(gw: Gateway, unified: UnifiedApi, ctx: RequestContext, cors: CorsPolicy | undefined): Promise<void> {
  const url = ctx.req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const method = ctx.req.method ?? 'GET';
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed.split('/');
  // segments[0] is '' (the path starts with '/').
  const first = segments[1] ?? '';

  // Anthropic clients read only Anthropic-shaped errors: every failure on a Messages path is one.
  const last = segments[segments.length - 1];
  if (last === 'messages' || (last === 'count_tokens' && segments[segments.length - 2] === 'messages')) ctx.dialect = anthropicMessagesDialect;

  if (first === 'health' && segments.length === 2) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(ctx, method, path, 'GET, HEAD');
    sendJson(ctx, 200, { status: 'ok' });
    return;
  }
  if (first === 'metrics' && segments.length === 2) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(ctx, method, path, 'GET, HEAD');
    if (!gw.metrics) throw notFound(path, 'Metrics are disabled (metrics.enabled: false).');
    return sendMetrics(ctx, gw.metrics);
  }
  if (first === 'router') {
    const id = segments[2];
    if (!id) throw notFound(path, 'Use /router/{router-id}/chat/completions.');
    const router = gw.compiled.routers.get(id);
    if (!router) {
      throw new GatewayError({
        status: 404,
        code: 'router_not_found',
        message: `Router "${id}" does not exist. Configured routers: ${[...gw.compiled.routers.keys()].join(', ') || '(none)'}.`,
      });
    }
    return dispatchApi(gw, ctx, method, path, apiPath(segments, 3), router, () => listRouterModels(ctx, router));
  }
  if (first === 'ai') {
    return dispatchApi(gw, ctx, method, path, apiPath(segments, 2), unified, () => listUnifiedModels(ctx, unified));
  }
  // An SDK pointed at `http://host:8080/v1` reaches the unified API (`provider/model`, or a bare
  // model one provider's list serves).
  if (first === 'v1') {
    return dispatchApi(gw, ctx, method, path, segments.slice(2).join('/'), unified, () => listUnifiedModels(ctx, unified));
  }
  if (first === '') throw notFound(path, SUGGESTED_ROUTES);
  let provider: string;
  try {
    provider = decodeURIComponent(first);
  } catch {
    throw notFound(path, 'The path is not valid percent-encoding.');
  }
  // Passthrough applies to provider names only; anything else is simply not a route.
  const entry = gw.compiled.providers.get(provider);
  if (!entry) throw unknownRoute(gw, path, provider);
  // Passthrough takes any content type, so a page on another origin is refused by its Origin.
  const origin = ctx.req.headers.origin;
  if (origin !== undefined && !cors?.allows(origin)) throw originNotAllowed(origin);
  return handlePassthrough(gw, ctx, entry, passthroughRest(segments, 2), query);
}

/** The exposition text; open to anyone who can reach the gateway (no gateway keys yet). */
async function sendMetrics(ctx: RequestContext, metrics: NonNullable<Gateway['metrics']>): Promise<void> {
  let page;
  try {
    page = await metrics.render();
  } catch (err) {
    throw new GatewayError({ status: 503, code: 'metrics_unavailable', message: `Metrics could not be gathered: ${(err as Error)?.message ?? err}` });
  }
  const headers = gatewayHeaders(ctx);
  headers['content-type'] = page.contentType;
  headers['content-length'] = Buffer.byteLength(page.body);
  headers['cache-control'] = 'no-store';
  ctx.res.writeHead(200, headers);
  ctx.res.end(page.body);
}

const SUGGESTED_ROUTES = 'Try POST /router/{id}/chat/completions, POST /ai/chat/completions, /{provider}/{path} or GET /health.';

function unknownRoute(gw: Gateway, path: string, name: string): GatewayError {
  const names = [...gw.compiled.providers.keys()];
  const suggestion = suggestKey(name, names);
  const hint = suggestion ? `Did you mean the provider "${suggestion}" (/${suggestion}/…)? ` : '';
  return notFound(path.slice(0, 200), `${hint}${SUGGESTED_ROUTES} Passthrough providers: ${names.join(', ')}.`);
}
