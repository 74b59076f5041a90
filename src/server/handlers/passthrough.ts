/**
 * `/{provider}/{path}`: relays any request to the provider's base URL with the gateway's
 * credentials, bodies streamed both ways and never parsed (Anthropic SDK users, embeddings,
 * files — whatever the provider offers).
 */
import type { ProviderEntry } from '../../config/compile.js';
import type { CredentialStatus } from '../../secrets/credential-store.js';
import { missingKey } from '../../core/unified.js';
import type { UpstreamRequest } from '../../providers/types.js';
import { joinPassthroughPath } from '../../providers/base-path.js';
import { upstreamFailure } from '../../upstream/client.js';
import { readBody } from '../body.js';
import { withoutKeyParam } from '../passthrough-path.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';
import { downstreamHeaders, upstreamHeaders } from '../proxy-headers.js';
import { gatewayHeaders, sendError } from '../respond.js';
import { isShuttingDown, shutdownSseEvent } from '../shutdown.js';
import { markInterrupted } from '../request-log.js';
import { PassthroughWatch } from '../../observability/usage/passthrough-watch.js';

/** `entry` is a configured or built-in provider: the route table sends nothing else here. */
export async function handlePassthrough(gw: Gateway, ctx: RequestContext, entry: ProviderEntry, rest: string, query: string): Promise<void> {
  const providerName = entry.runtime.name;
  const status = gw.compiled.credentials.status(providerName) as CredentialStatus;
  if (!status.found) throw missingKey(providerName, status.missing);
  const provider = entry.runtime;
  ctx.provider = provider.name;
  ctx.attempts = 1;

  const method = (ctx.req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const headers = upstreamHeaders(ctx.req.headers);
  // The scrubber reads the bytes it relays: a compressed body would hide an echoed key.
  if (gw.scrubber.active || gw.scrubsTokens) delete headers['accept-encoding'];
  const request: UpstreamRequest = {
    method: method as UpstreamRequest['method'],
    origin: provider.baseUrl.origin,
    path: joinPassthroughPath(provider.baseUrl.pathname, rest) + withoutKeyParam(query),
    headers,
    body: undefined,
  };
  // SigV4 signs the body's hash, so Bedrock bodies are read first; others stream straight up.
  const signsBody = entry.kind === 'bedrock';
  if (hasBody && signsBody) request.body = await readBody(ctx.req, gw.maxBodyBytes);
  const pending = provider.adapter.authorize(request, status.credentials, provider);
  if (pending) await pending;

  const timeouts = gw.compiled.timeouts;
  let deadlineHit = false;
  const deadline = setTimeout(() => {
    deadlineHit = true;
    ctx.signal.abort(new Error('deadline'));
  }, timeouts.totalMs);
  ctx.onClose(() => clearTimeout(deadline));

  const watch = gw.bus.active ? new PassthroughWatch(gw, ctx, entry, status) : undefined;
  let response;
  try {
    response = await gw.upstream.proxy(
      provider.baseUrl.origin,
      { method, path: request.path, headers: request.headers, body: hasBody ? (request.body ?? ctx.req) : undefined },
      timeouts.upstream,
      ctx.signal,
    );
  } catch (err) {
    if (ctx.clientGone) return;
    const error = upstreamFailure(err, provider.name, deadlineHit, timeouts.totalMs);
    gw.events.attemptFailed(ctx.id, provider.name, 1, error);
    watch?.answered(undefined, error);
    sendError(ctx, error);
    return;
  }
  gw.scrubber.scrubResponse(response);
  watch?.answered(response);
  const { res } = ctx;
  res.writeHead(response.statusCode, downstreamHeaders(response.headers, gatewayHeaders(ctx, response.headers)));
  const body = response.body;
  res.on('drain', () => body.resume());
  body.read({
    data(chunk) {
      watch?.data(chunk);
      if (!res.write(chunk)) body.pause();
    },
    end: () => {
      res.end();
      watch?.end(true);
    },
    error: (err) => {
      watch?.end(false);
      markInterrupted(gw, ctx, provider.name, upstreamFailure(err, provider.name, deadlineHit, timeouts.totalMs));
      // Shutdown ends an event stream with an error event, not a reset.
      if (isShuttingDown(err) && String(response.headers['content-type']).startsWith('text/event-stream')) res.end(shutdownSseEvent(err));
      else res.destroy();
    },
  });
}
