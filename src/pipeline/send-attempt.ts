/**
 * One attempt: authorize the planned request, send it, and judge the status line. It only talks
 * to the upstream; what reaches the client is the egress's business. A 2xx answer comes back
 * with its body unread, so the egress can still fail over if the body breaks before its first
 * byte.
 */
import type { AttemptOutcome } from '../core/attempts.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Candidate } from '../core/router.js';
import type { UpstreamRequest } from '../providers/types.js';
import { providerReached, readText, upstreamFailure, type UpstreamResponse } from '../upstream/client.js';
import type { RequestScope } from './request-scope.js';

export type Sent = { ok: true; response: UpstreamResponse; startedAt: number } | { ok: false; outcome: AttemptOutcome };

export async function sendAttempt(scope: RequestScope, candidate: Candidate, request: UpstreamRequest, stream: boolean): Promise<Sent> {
  const { provider, credentials, stats } = candidate.target;
  try {
    const pending = provider.adapter.authorize(request, credentials, provider);
    if (pending) await pending;
  } catch (err) {
    if (err instanceof GatewayError) return { ok: false, outcome: { committed: false, error: err, reached: false } };
    throw err;
  }
  const trace = scope.traceparent?.(scope.requestId, scope.attempt);
  if (trace !== undefined) request.headers.traceparent = trace;
  const startedAt = scope.clock();
  stats.start();
  let response: UpstreamResponse;
  try {
    response = await scope.client.send(request, stream ? scope.streamTimeouts : scope.timeouts, scope.signal);
  } catch (err) {
    stats.release();
    scope.upstreamMs = scope.clock() - startedAt;
    if (scope.sink.gone) return { ok: false, outcome: { committed: true, cancelled: true } };
    const error = upstreamFailure(err, provider.name, scope.timedOut, scope.totalMs);
    // A timeout is a latency sample too: a hanging provider must look slow.
    if (error.status === 504) stats.sample(scope.clock() - startedAt);
    return { ok: false, outcome: { committed: false, error, reached: providerReached(error) } };
  }
  scope.upstreamMs = scope.clock() - startedAt;
  scope.upstreamStatus = response.statusCode;
  scope.scrubber.scrubResponse(response);
  if (response.statusCode >= 400) {
    let text = '';
    try {
      text = await readText(response.body);
    } catch {
      // The error body is best effort; the status alone still tells what happened.
    }
    stats.release();
    return { ok: false, outcome: { committed: false, error: provider.adapter.mapError(response.statusCode, response.headers, text, provider), reached: true } };
  }
  return { ok: true, response, startedAt };
}
