/**
 * The policy hooks of the request pipeline: checks that run after the request is decoded and
 * before any provider is tried (authentication, rate limits, budgets, a cache lookup), and
 * bookkeeping after the answer (spend, counters). A policy that refuses returns the error the
 * client gets, rendered in its dialect.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Endpoint, RequestDone } from '../core/pipeline-events.js';
import type { GatewayError } from '../core/gateway-error.js';

export interface PolicyRequest {
  readonly requestId: string;
  readonly endpoint: Endpoint;
  /** The router's id, or `/ai` for the unified API. */
  readonly route: string;
  readonly model: string;
  readonly stream: boolean;
  readonly headers: IncomingHttpHeaders;
}

export interface Policy {
  readonly name: string;
  /** Undefined lets the request go on. Async only when it must be (a store lookup). */
  before?(request: PolicyRequest): GatewayError | undefined | Promise<GatewayError | undefined>;
  /** After the answer went out; never delays it. */
  after?(request: PolicyRequest, done: RequestDone): void;
}

/** Runs the `before` hooks in order; the first refusal wins. */
export function policiesBefore(policies: readonly Policy[], request: PolicyRequest): GatewayError | undefined | Promise<GatewayError | undefined> {
  for (let i = 0; i < policies.length; i++) {
    const verdict = policies[i].before?.(request);
    if (verdict instanceof Promise) return verdict.then((v) => v ?? policiesBefore(policies.slice(i + 1), request));
    if (verdict) return verdict;
  }
  return undefined;
}

export function policiesAfter(policies: readonly Policy[], request: PolicyRequest, done: RequestDone): void {
  for (const policy of policies) {
    try {
      policy.after?.(request, done);
    } catch {
      // Bookkeeping must not break the response that already went out.
    }
  }
}
