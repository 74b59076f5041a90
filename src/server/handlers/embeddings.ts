/** `POST …/embeddings` on a router or the unified API. */
import { decodeEmbeddingsRequest } from '../../ingress/openai-chat/decode.js';
import { encodeEmbeddingsBase64 } from '../../ingress/openai-chat/encode.js';
import { GatewayError } from '../../core/gateway-error.js';
import { runAttempts, type AttemptOutcome } from '../../core/attempts.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/chat-types.js';
import type { Candidate } from '../../core/router.js';
import { upstreamFailure } from '../../upstream/client.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';
import { sendError, sendJson } from '../respond.js';
import { readText, type RequestScope } from '../chat-exchange.js';
import { openScope, policyOf, type ChatRoute } from './chat.js';

async function exchangeEmbeddings(
  ctx: RequestContext,
  scope: RequestScope,
  request: EmbeddingsRequest,
  candidate: Candidate,
  attempt: number,
): Promise<AttemptOutcome> {
  const { provider, credentials, stats } = candidate.target;
  const capability = provider.adapter.embeddings;
  ctx.provider = provider.name;
  ctx.attempts = attempt;
  if (!capability) {
    return {
      committed: false,
      reached: false,
      error: new GatewayError({ status: 400, code: 'unsupported_endpoint', param: 'model', message: `${provider.name} has no embeddings API. Use an embeddings model of another provider.` }),
    };
  }
  const target = { provider, model: candidate.model, requestId: ctx.id };
  let upstreamReq;
  try {
    upstreamReq = capability.buildRequest(request, target);
    const pending = provider.adapter.authorize(upstreamReq, credentials, provider);
    if (pending) await pending;
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: false };
    throw err;
  }
  const started = scope.clock();
  stats.start();
  try {
    let response;
    try {
      response = await scope.client.send(upstreamReq, scope.timeouts, scope.signal);
    } catch (err) {
      if (ctx.clientGone) return { committed: true, cancelled: true };
      return { committed: false, error: upstreamFailure(err, provider.name, scope.timedOut), reached: true };
    }
    if (response.statusCode >= 400) {
      const text = await readText(response.body).catch(() => '');
      return { committed: false, error: provider.adapter.mapError(response.statusCode, response.headers, text, provider), reached: true };
    }
    let result: EmbeddingsResponse;
    try {
      result = capability.parseResponse(await response.body.json(), target);
    } catch (err) {
      if (ctx.clientGone) return { committed: true, cancelled: true };
      return { committed: false, error: err instanceof GatewayError ? err : upstreamFailure(err, provider.name, scope.timedOut), reached: true };
    }
    stats.sample(scope.clock() - started);
    // Providers answer floats; OpenAI SDKs ask for base64 by default.
    const wantsBase64 = request.encoding_format === 'base64';
    sendJson(ctx, 200, wantsBase64 ? encodeEmbeddingsBase64(result) : result);
    return { committed: true };
  } finally {
    stats.release();
  }
}

export async function handleEmbeddings(gw: Gateway, ctx: RequestContext, route: ChatRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  const request = decodeEmbeddingsRequest(raw);
  const candidates = route.candidates(request.model);
  const scope = openScope(gw, ctx, route);
  const failure = await runAttempts(candidates, policyOf(route), scope, (c, n) => exchangeEmbeddings(ctx, scope, request, c, n));
  if (failure && !ctx.clientGone) sendError(ctx, failure);
}
