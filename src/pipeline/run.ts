/**
 * The request pipeline, the same for every endpoint:
 *
 *   ingress (decode, in the handler) → policies before → router candidates → attempt loop:
 *     plan (the exchange) → send (talks to the upstream only) → egress (commits to the sink)
 *   → policies after
 *
 * Typed events go to the bus as they happen (request, attempt start/end, first byte, usage,
 * done); none is built when nobody subscribes, and no subscriber is waited for.
 */
import { runAttempts, type AttemptOutcome } from '../core/attempts.js';
import { GatewayError } from '../core/gateway-error.js';
import type { RequestDone, RequestReceived } from '../core/pipeline-events.js';
import type { Candidate } from '../core/router.js';
import type { RetryPolicy } from '../core/retry-policy.js';
import type { RouteTimeouts } from '../core/route-timeouts.js';
import { policiesAfter, policiesBefore, type PolicyRequest } from '../policies/policy.js';
import type { RequestContext } from '../server/context.js';
import type { Gateway } from '../server/gateway.js';
import { sendError } from '../server/respond.js';
import { commitJson, commitPiped, commitTranslated } from './egress/commit.js';
import { attemptEmbeddings } from './embeddings-attempt.js';
import type { ClientExchange, Plan } from './exchange.js';
import { RequestScope } from './request-scope.js';
import { sendAttempt } from './send-attempt.js';
import { ResponseSink } from '../server/response-sink.js';
import type { ClientSink } from '../core/client-sink.js';
import { CapturingSink, storedBody } from './capturing-sink.js';

/** A router or the unified API, as the pipeline sees it. */
export interface PipelineRoute {
  candidates(model: string): readonly Candidate[];
  readonly policy: RetryPolicy;
  readonly timeouts: RouteTimeouts;
  /** Names the route in errors (`Router "x"`, `/ai`). */
  readonly label: string;
  /** A router's id; absent on the unified API. */
  readonly id?: string;
}

/** The client's sink; one that keeps a copy only when the audit log stores bodies. */
function clientSink(gw: Gateway, ctx: RequestContext): ClientSink {
  const sink = new ResponseSink(ctx);
  if (gw.bodyLimit === 0 || !gw.bus.active) return sink;
  return new CapturingSink(sink, gw.bodyLimit, (body) => gw.bus.emit({ type: 'response_body', requestId: ctx.id, body }));
}

/** Which credential an attempt spends, as events name it. */
const credentialOf = (candidate: Candidate): string => candidate.target.credentialId ?? candidate.target.provider.name;

/** Sends the plan's request and, if the provider answered, commits the answer through the egress. */
async function execute(scope: RequestScope, exchange: ClientExchange, candidate: Candidate, plan: Plan): Promise<AttemptOutcome> {
  switch (plan.mode) {
    case 'local':
      commitJson(scope, 200, plan.body);
      return { committed: true, local: true };
    case 'embeddings':
      return attemptEmbeddings(scope, candidate, plan);
    case 'piped': {
      const sent = await sendAttempt(scope, candidate, plan.request, plan.stream);
      return sent.ok ? commitPiped(scope, exchange.dialect, candidate, plan, sent.response, sent.startedAt) : sent.outcome;
    }
    case 'translated': {
      const sent = await sendAttempt(scope, candidate, plan.request, plan.target.stream);
      return sent.ok ? commitTranslated(scope, candidate, plan, sent.response, sent.startedAt) : sent.outcome;
    }
  }
}

async function attempt(scope: RequestScope, exchange: ClientExchange, candidate: Candidate, n: number): Promise<AttemptOutcome> {
  const { ctx, bus } = scope;
  const provider = candidate.target.provider.name;
  let plan: Plan;
  try {
    const planned = exchange.plan(candidate, ctx.id);
    // Awaited only when it is a promise: a plain value would still cost a turn of the event loop.
    plan = planned instanceof Promise ? await planned : planned;
  } catch (err) {
    if (err instanceof GatewayError) return { committed: false, error: err, reached: false };
    throw err;
  }
  // The response headers name who served: nobody, when the gateway answers itself.
  if (plan.mode !== 'local') {
    ctx.provider = provider;
    ctx.attempts = n;
  }
  scope.attempt = n;
  scope.upstreamMs = 0;
  scope.upstreamStatus = 0;
  if (!bus.active) return execute(scope, exchange, candidate, plan);
  const mode = plan.mode === 'embeddings' ? 'translated' : plan.mode;
  bus.emit({ type: 'attempt_start', requestId: ctx.id, attempt: n, provider, model: candidate.model, credential: credentialOf(candidate), mode, at: scope.clock() });
  const outcome = await execute(scope, exchange, candidate, plan);
  const error = outcome.committed ? undefined : outcome.error;
  const status = error ? error.status : ctx.res.headersSent ? ctx.res.statusCode : undefined;
  const ok = outcome.committed && !outcome.cancelled;
  bus.emit({ type: 'attempt_end', requestId: ctx.id, attempt: n, provider, credential: credentialOf(candidate), ok, status, upstreamStatus: scope.upstreamStatus || undefined, error, upstreamMs: scope.upstreamMs, at: scope.clock() });
  return outcome;
}

function doneEvent(ctx: RequestContext): RequestDone {
  const { res } = ctx;
  const outcome = ctx.interrupted ? 'interrupted' : ctx.clientGone ? 'client_gone' : res.statusCode >= 400 ? 'error' : 'ok';
  return { type: 'done', requestId: ctx.id, status: res.headersSent ? res.statusCode : 499, provider: ctx.provider, attempts: ctx.attempts, outcome, errorCode: ctx.errorCode, ms: ctx.elapsedMs() };
}

/**
 * Tells the bus a request arrived, and that it is done when its response closes. `after` runs
 * then too (the policies' bookkeeping).
 */
export function observeRequest(
  gw: Gateway,
  ctx: RequestContext,
  what: Pick<RequestReceived, 'endpoint' | 'route' | 'model' | 'stream' | 'dialect' | 'body'>,
  after?: (done: RequestDone) => void,
): void {
  const { bus } = gw;
  ctx.observed = true;
  if (bus.active) {
    const traceparent = ctx.req.headers.traceparent;
    bus.emit({
      type: 'request',
      requestId: ctx.id,
      ...what,
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
      time: Date.now() - ctx.elapsedMs(),
      startedAt: ctx.startedAt,
      at: gw.compiled.clock(),
    });
  }
  ctx.onClose(() => {
    const done = doneEvent(ctx);
    if (bus.active) bus.emit(done);
    after?.(done);
  });
}

export async function runPipeline(gw: Gateway, ctx: RequestContext, route: PipelineRoute, exchange: ClientExchange): Promise<void> {
  const { bus, policies } = gw;
  let request: PolicyRequest | undefined;
  if (bus.active || policies.length > 0) {
    const routeName = route.id ?? route.label;
    const seen: PolicyRequest = { requestId: ctx.id, endpoint: exchange.endpoint, route: routeName, model: exchange.model, stream: exchange.stream, headers: ctx.req.headers };
    request = seen;
    const body = gw.bodyLimit > 0 && exchange.raw ? storedBody(exchange.raw, gw.bodyLimit) : undefined;
    const what = { endpoint: exchange.endpoint, route: routeName, model: exchange.model, stream: exchange.stream, dialect: exchange.dialect.name, body };
    observeRequest(gw, ctx, what, policies.length > 0 ? (done) => policiesAfter(policies, seen, done) : undefined);
  }
  if (policies.length > 0) {
    const refused = await policiesBefore(policies, request as PolicyRequest);
    if (refused) {
      if (!ctx.clientGone) sendError(ctx, refused);
      return;
    }
  }
  const candidates = route.candidates(exchange.model);
  const scope = new RequestScope(gw, ctx, clientSink(gw, ctx), route.timeouts, route.label);
  const failure = await runAttempts(candidates, route.policy, scope, (candidate, n) => attempt(scope, exchange, candidate, n));
  if (failure && !ctx.clientGone) sendError(ctx, failure);
}
