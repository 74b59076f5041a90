/** `POST …/chat/completions` on a router or the unified API. */
import { decodeChatRequest } from '../../ingress/openai-chat/decode.js';
import { runAttempts } from '../../core/attempts.js';
import { retryPolicy, type RetryPolicy } from '../../core/retry-policy.js';
import type { RetriesConfig } from '../../config/schema.js';
import type { Candidate } from '../../core/router.js';
import type { RouteTimeouts } from '../../core/route-timeouts.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';
import { exchangeChat, RequestScope } from '../chat-exchange.js';
import { sendError } from '../respond.js';

export interface ChatRoute {
  candidates(model: string): readonly Candidate[];
  retries: RetriesConfig | undefined;
  /** Compiled from `retries`; built (and cached) from it when absent. */
  policy?: RetryPolicy;
  /** The route's timeouts; the gateway's `dispatcher` ones when absent. */
  timeouts?: RouteTimeouts;
  /** Names the route in errors (`Router "x"`); `/ai` when absent. */
  label?: string;
}

const policies = new WeakMap<RetriesConfig, RetryPolicy>();

export function policyOf(route: ChatRoute): RetryPolicy {
  if (route.policy) return route.policy;
  if (!route.retries) return retryPolicy(undefined);
  let policy = policies.get(route.retries);
  if (!policy) {
    policy = retryPolicy(route.retries);
    policies.set(route.retries, policy);
  }
  return policy;
}

/** The per-request state every attempt of `route` shares. */
export function openScope(gw: Gateway, ctx: RequestContext, route: ChatRoute): RequestScope {
  return new RequestScope(gw, ctx, route.timeouts ?? gw.compiled.timeouts, route.label ?? '/ai');
}

export async function handleChat(gw: Gateway, ctx: RequestContext, route: ChatRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  const request = decodeChatRequest(raw);
  const candidates = route.candidates(request.model);
  const scope = openScope(gw, ctx, route);
  const failure = await runAttempts(candidates, policyOf(route), scope, (candidate, n) => exchangeChat(gw, ctx, scope, request, raw, candidate, n));
  if (failure && !ctx.clientGone) sendError(ctx, failure);
}
