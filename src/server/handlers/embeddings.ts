/** `POST …/embeddings` on a router or the unified API. */
import { decodeEmbeddingsRequest } from '../../ingress/openai-chat/decode.js';
import { encodeEmbeddingsBase64 } from '../../ingress/openai-chat/encode.js';
import { GatewayError } from '../../core/gateway-error.js';
import { runAttempts, type AttemptOutcome } from '../../core/attempts.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../core/chat-types.js';
import type { Candidate } from '../../core/router.js';
import type { EmbeddingsCapability, EmbeddingsTarget } from '../../providers/types.js';
import { providerReached, readJson, readText, upstreamFailure } from '../../upstream/client.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';
import { sendError, sendJson } from '../respond.js';
import type { RequestScope } from '../chat-exchange.js';
import { openScope, policyOf, type ChatRoute } from './chat.js';

async function exchangeEmbeddings(
  ctx: RequestContext,
  scope: RequestScope,
  request: EmbeddingsRequest,
  candidate: Candidate,
  attempt: number,
): Promise<AttemptOutcome> {
  const { provider, stats } = candidate.target;
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
  const batches = splitInputs(request, capability.maxInputs);
  const started = scope.clock();
  stats.start();
  try {
    // Several calls only when the provider takes fewer inputs per call than the client sent.
    const outcomes = await Promise.all(batches.map((batch) => callOnce(ctx, scope, candidate, capability, batch, target)));
    const failed = outcomes.find((o): o is AttemptOutcome => !('data' in o));
    if (failed) return failed;
    const result = mergeBatches(outcomes as EmbeddingsResponse[]);
    stats.sample(scope.clock() - started);
    // Providers answer floats; OpenAI SDKs ask for base64 by default.
    const wantsBase64 = request.encoding_format === 'base64';
    sendJson(ctx, 200, wantsBase64 ? encodeEmbeddingsBase64(result) : result);
    return { committed: true };
  } finally {
    stats.release();
  }
}

/** Splits a list input into requests of at most `max` inputs each; anything else stays whole. */
function splitInputs(request: EmbeddingsRequest, max: number | undefined): EmbeddingsRequest[] {
  const { input } = request;
  if (!max || !Array.isArray(input) || input.length <= max || typeof input[0] !== 'string') return [request];
  const batches: EmbeddingsRequest[] = [];
  for (let i = 0; i < input.length; i += max) {
    const slice = (input as string[]).slice(i, i + max);
    batches.push({ ...request, input: slice.length === 1 ? slice[0] : slice });
  }
  return batches;
}

function mergeBatches(parts: EmbeddingsResponse[]): EmbeddingsResponse {
  if (parts.length === 1) return parts[0];
  let index = 0;
  let prompt = 0;
  let total = 0;
  const data: EmbeddingsResponse['data'] = [];
  for (const part of parts) {
    for (const d of part.data) data.push({ ...d, index: index++ });
    prompt += part.usage.prompt_tokens;
    total += part.usage.total_tokens;
  }
  return { object: 'list', data, model: parts[0].model, usage: { prompt_tokens: prompt, total_tokens: total } };
}

async function callOnce(
  ctx: RequestContext,
  scope: RequestScope,
  candidate: Candidate,
  capability: EmbeddingsCapability,
  request: EmbeddingsRequest,
  target: EmbeddingsTarget,
): Promise<EmbeddingsResponse | AttemptOutcome> {
  const { provider, credentials } = candidate.target;
  let upstreamReq;
  try {
    upstreamReq = capability.buildRequest(request, target);
    const pending = provider.adapter.authorize(upstreamReq, credentials, provider);
    if (pending) await pending;
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: false };
    throw err;
  }
  let response;
  try {
    response = await scope.client.send(upstreamReq, scope.timeouts, scope.signal);
  } catch (err) {
    if (ctx.clientGone) return { committed: true, cancelled: true };
    const error = upstreamFailure(err, provider.name, scope.timedOut, scope.totalMs);
    return { committed: false, error, reached: providerReached(error) };
  }
  scope.scrubber.scrubResponse(response);
  if (response.statusCode >= 400) {
    const text = await readText(response.body).catch(() => '');
    return { committed: false, error: provider.adapter.mapError(response.statusCode, response.headers, text, provider), reached: true };
  }
  try {
    return capability.parseResponse(await readJson(response.body, scope.maxResponseBytes, provider.name), target);
  } catch (err) {
    if (ctx.clientGone) return { committed: true, cancelled: true };
    return { committed: false, error: err instanceof GatewayError ? err : upstreamFailure(err, provider.name, scope.timedOut), reached: true };
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
