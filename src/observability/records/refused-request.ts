/**
 * A request refused before it reached the pipeline — a body that does not decode, an unknown
 * route, a wrong content type — still leaves a record: it tells the bus it arrived (as much as
 * its path says: the route, the API) and the pipeline's close hook reports how it ended.
 * Health checks and metrics scrapes are not requests worth recording.
 */
import type { Endpoint } from '../../core/pipeline-events.js';
import { observeRequest } from '../../pipeline/run.js';
import type { RequestContext } from '../../server/context.js';
import type { Gateway } from '../../server/gateway.js';

const UNRECORDED = new Set(['/health', '/metrics']);

function endpointOf(segments: string[]): Endpoint {
  const last = segments[segments.length - 1];
  if (last === 'completions') return 'chat';
  if (last === 'embeddings' || last === 'responses' || last === 'messages' || last === 'count_tokens') return last;
  return 'other';
}

export function recordRefused(gw: Gateway, ctx: RequestContext): void {
  // A client already gone has no close left to report: nothing to record.
  if (!gw.bus.active || ctx.observed || ctx.clientGone) return;
  const url = ctx.req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (UNRECORDED.has(path)) return;
  const segments = path.split('/');
  const first = segments[1];
  const route = first === 'router' ? (segments[2] ?? null) : first === 'ai' || first === 'v1' ? '/ai' : null;
  const endpoint = route === null && first !== 'router' ? (gw.compiled.providers.has(first ?? '') ? 'passthrough' : 'other') : endpointOf(segments);
  const dialect = endpoint === 'passthrough' ? 'passthrough' : (ctx.dialect?.name ?? (endpoint === 'responses' ? 'openai-responses' : 'openai-chat'));
  observeRequest(gw, ctx, { endpoint, route, model: null, stream: false, dialect });
}
