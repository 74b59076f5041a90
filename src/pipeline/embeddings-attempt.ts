/**
 * An embeddings attempt: one upstream call per batch (run concurrently), merged in order, then
 * committed as one JSON answer.
 */
import type { AttemptOutcome } from '../core/attempts.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../core/chat-types.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Candidate } from '../core/router.js';
import { encodeEmbeddingsBase64 } from '../ingress/openai-chat/encode.js';
import { readJson, upstreamFailure } from '../upstream/client.js';
import { commitJson } from './egress/commit.js';
import type { EmbeddingsPlan } from './exchange.js';
import type { RequestScope } from './request-scope.js';
import { sendAttempt } from './send-attempt.js';

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

async function callOnce(scope: RequestScope, candidate: Candidate, plan: EmbeddingsPlan, batch: EmbeddingsRequest): Promise<EmbeddingsResponse | AttemptOutcome> {
  const { provider, stats } = candidate.target;
  let request;
  try {
    request = plan.capability.buildRequest(batch, plan.target);
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: false };
    throw err;
  }
  const sent = await sendAttempt(scope, candidate, request, false);
  if (!sent.ok) return sent.outcome;
  try {
    return plan.capability.parseResponse(await readJson(sent.response.body, scope.maxResponseBytes, provider.name), plan.target);
  } catch (err) {
    if (scope.sink.gone) return { committed: true, cancelled: true };
    return { committed: false, error: err instanceof GatewayError ? err : upstreamFailure(err, provider.name, scope.timedOut), reached: true };
  } finally {
    stats.release();
  }
}

export async function attemptEmbeddings(scope: RequestScope, candidate: Candidate, plan: EmbeddingsPlan): Promise<AttemptOutcome> {
  const started = scope.clock();
  const outcomes = await Promise.all(plan.batches.map((batch) => callOnce(scope, candidate, plan, batch)));
  const failed = outcomes.find((o): o is AttemptOutcome => !('data' in o));
  if (failed) return failed;
  const result = mergeBatches(outcomes as EmbeddingsResponse[]);
  candidate.target.stats.sample(scope.clock() - started);
  const { bus } = scope;
  if (bus.active) {
    const usage = { prompt_tokens: result.usage.prompt_tokens, completion_tokens: 0, total_tokens: result.usage.total_tokens };
    bus.emit({ type: 'usage', requestId: scope.requestId, provider: candidate.target.provider.name, model: plan.target.model, usage });
  }
  commitJson(scope, 200, plan.base64 ? encodeEmbeddingsBase64(result) : result);
  return { committed: true };
}
