/**
 * The route table, matched by path segments (no regular expressions per request):
 *   GET  /health
 *   POST /router/{id}[/v1]/chat/completions · /embeddings · GET /models
 *   POST /ai[/v1]/chat/completions · /embeddings · GET /models
 *   ANY  /{provider}/{path}          passthrough
 */
import { GatewayError } from '../core/gateway-error.js';
import type { UnifiedApi } from '../core/unified.js';
import type { RequestContext } from './context.js';
import type { Gateway } from './gateway.js';
import { handleChat, type ChatRoute } from './handlers/chat.js';
import { handleEmbeddings } from './handlers/embeddings.js';
import { listRouterModels, listUnifiedModels } from './handlers/models.js';
import { handlePassthrough } from './handlers/passthrough.js';
import { sendJson } from './respond.js';

function notFound(path: string, hint: string): GatewayError {
  return new GatewayError({ status: 404, code: 'not_found', message: `No route for ${path}. ${hint}` });
}

function methodNotAllowed(method: string, path: string, allowed: string): GatewayError {
  return new GatewayError({ status: 405, code: 'method_not_allowed', message: `${method} is not supported on ${path}; use ${allowed}.` });
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
  route: ChatRoute,
  listModels: () => void,
): Promise<void> {
  switch (endpoint) {
    case 'chat/completions':
      if (method !== 'POST') throw methodNotAllowed(method, fullPath, 'POST');
      return handleChat(gw, ctx, route);
    case 'embeddings':
      if (method !== 'POST') throw methodNotAllowed(method, fullPath, 'POST');
      return handleEmbeddings(gw, ctx, route);
    case 'models':
      if (method !== 'GET') throw methodNotAllowed(method, fullPath, 'GET');
      return listModels();
    default:
      throw notFound(fullPath, 'Supported here: chat/completions, embeddings, models.');
  }
}

export async function route(gw: Gateway, unified: UnifiedApi, ctx: RequestContext): Promise<void> {
  const url = ctx.req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const method = ctx.req.method ?? 'GET';
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed.split('/');
  // segments[0] is '' (the path starts with '/').
  const first = segments[1] ?? '';

  if (first === 'health' && segments.length === 2) {
    sendJson(ctx, 200, { status: 'ok' });
    return;
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
  if (first === '') throw notFound(path, 'Try POST /router/{id}/chat/completions, POST /ai/chat/completions or GET /health.');
  let provider: string;
  try {
    provider = decodeURIComponent(first);
  } catch {
    throw notFound(path, 'The path is not valid percent-encoding.');
  }
  return handlePassthrough(gw, ctx, provider, segments.slice(2).join('/'), query);
}
