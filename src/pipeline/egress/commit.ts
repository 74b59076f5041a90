/**
 * The egress: commits a successful attempt's answer to the client sink — piped when the
 * provider spoke the client's dialect, translated otherwise — and says whether it committed.
 */
import type { AttemptOutcome } from '../../core/attempts.js';
import type { SinkHeaders } from '../../core/client-sink.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Candidate } from '../../core/router.js';
import { readJson, upstreamFailure, type UpstreamResponse } from '../../upstream/client.js';
import { gatewayHeaders } from '../../server/respond.js';
import type { ClientDialect } from '../answer-encoder.js';
import type { PipedPlan, TranslatedPlan } from '../exchange.js';
import type { RequestScope } from '../request-scope.js';
import { OpenAnswer } from './open-answer.js';
import { relay } from './relay.js';
import { translateStream } from './translate-stream.js';
import { UsageTap } from './usage-tap.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/** Writes a whole JSON answer. */
export function commitJson(scope: RequestScope, status: number, body: unknown, upstream?: UpstreamResponse['headers']): void {
  const text = JSON.stringify(body);
  const headers: SinkHeaders = gatewayHeaders(scope.ctx, upstream);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(text);
  scope.sink.head(status, headers);
  scope.sink.end(text);
}

export function commitPiped(scope: RequestScope, dialect: ClientDialect, candidate: Candidate, plan: PipedPlan, sent: UpstreamResponse, startedAt: number): Promise<AttemptOutcome> {
  const answer = new OpenAnswer(scope, candidate, startedAt);
  const { statusCode, headers: upstream, body } = sent;
  const headers: SinkHeaders = gatewayHeaders(scope.ctx, upstream);
  // Usage is read from the bytes when someone records it, or when its event must be cut out.
  const tap = plan.usage && (scope.bus.active || plan.usage.dropUsageEvent) ? new UsageTap(plan.usage) : undefined;
  if (plan.stream) {
    Object.assign(headers, SSE_HEADERS);
    return relay(answer, body, statusCode, headers, dialect.streamError, tap, () => answer.firstByte(true), (ok, error) => answer.ended(ok, error));
  }
  headers['content-type'] = upstream['content-type'] ?? 'application/json';
  const length = upstream['content-length'];
  if (typeof length === 'string') headers['content-length'] = length;
  // Non-streamed latency counts to the whole answer.
  return relay(answer, body, statusCode, headers, undefined, tap, () => answer.firstByte(false), (ok, error) => {
    if (ok) answer.sampleComplete();
    answer.ended(ok, error);
  });
}

export async function commitTranslated(scope: RequestScope, candidate: Candidate, plan: TranslatedPlan, sent: UpstreamResponse, startedAt: number): Promise<AttemptOutcome> {
  const answer = new OpenAnswer(scope, candidate, startedAt);
  const headers: SinkHeaders = gatewayHeaders(scope.ctx, sent.headers);
  if (plan.target.stream) {
    Object.assign(headers, SSE_HEADERS);
    return translateStream(answer, sent.body, plan, headers);
  }
  const provider = answer.provider;
  let parsed: unknown;
  try {
    parsed = await readJson(sent.body, scope.maxResponseBytes, provider);
  } catch (err) {
    const error =
      err instanceof SyntaxError
        ? new GatewayError({ status: 502, code: 'upstream_invalid_response', provider, message: `${provider} returned a response that is not valid JSON.` })
        : upstreamFailure(err, provider, scope.timedOut, scope.totalMs);
    return answer.outcome(error);
  }
  answer.release();
  answer.sampleComplete();
  let body: unknown;
  try {
    const completion = plan.target.provider.adapter.chat.parseResponse(parsed, plan.target);
    if (completion.usage) answer.usage(completion.usage);
    body = plan.encoder.complete(completion);
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: true };
    throw err;
  }
  answer.firstByte(false);
  commitJson(scope, 200, body, sent.headers);
  return { committed: true };
}
