/**
 * An attempt whose provider answered 2xx, from then until its body is over: the latency sample,
 * the provider's in-flight count, the first-byte and usage events, and — once committed — what a
 * body that breaks off means for the provider's health and the request's log.
 */
import type { AttemptOutcome } from '../../core/attempts.js';
import type { Usage } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import { HealthChange } from '../../core/health/provider-health.js';
import type { Candidate } from '../../core/router.js';
import { upstreamFailure } from '../../upstream/client.js';
import { deadlineError } from '../../upstream/upstream-failure.js';
import { isShuttingDown } from '../../server/shutdown.js';
import type { RequestScope } from '../request-scope.js';
import type { UsageTap } from './usage-tap.js';

const COMMITTED: AttemptOutcome = { committed: true };
const CANCELLED: AttemptOutcome = { committed: true, cancelled: true };

export class OpenAnswer {
  readonly provider: string;
  /** The model the provider was sent. */
  readonly model: string;
  private released = false;

  constructor(
    readonly scope: RequestScope,
    private readonly candidate: Candidate,
    private readonly startedAt: number,
  ) {
    this.provider = candidate.target.provider.name;
    this.model = candidate.model;
  }

  /** The first byte went to the client. Streams count their latency to here. */
  firstByte(sampleLatency: boolean): void {
    const { scope } = this;
    if (sampleLatency) this.candidate.target.stats.sample(scope.clock() - this.startedAt);
    if (scope.bus.active) scope.bus.emit({ type: 'first_byte', requestId: scope.requestId, provider: this.provider, ms: scope.ctx.elapsedMs() });
  }

  usage(usage: Usage, incomplete = false, inputKnown = true): void {
    const { scope } = this;
    if (scope.bus.active) scope.bus.emit({ type: 'usage', requestId: scope.requestId, provider: this.provider, model: this.model, usage, incomplete, inputKnown });
  }

  /**
   * Usage read from piped bytes. An answer cut off mid-way reports what was streamed: the
   * provider's counts so far when it sent some (Anthropic's message_start), else one output token
   * per event relayed, the input unknown.
   */
  tapped(tap: UsageTap, complete: boolean): void {
    const usage = tap.usage();
    if (complete) {
      if (usage) this.usage(usage);
      return;
    }
    if (usage) this.usage({ ...usage, completion_tokens: Math.max(usage.completion_tokens, tap.events) }, true);
    else this.usage({ prompt_tokens: 0, completion_tokens: tap.events, total_tokens: tap.events }, true, false);
  }

  /** A non-streamed answer is sampled once it is complete. */
  sampleComplete(): void {
    this.candidate.target.stats.sample(this.scope.clock() - this.startedAt);
  }

  /** The attempt's outcome: committed (no failure), or failed before anything reached the client. */
  outcome(failure: GatewayError | undefined): AttemptOutcome {
    if (!failure) return COMMITTED;
    this.release();
    if (this.scope.sink.gone) return CANCELLED;
    return { committed: false, error: failure, reached: true };
  }

  /** The body failed before its first byte: the attempt fails (and may fall back). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.candidate.target.stats.release();
  }

  /**
   * A committed answer ended: `ok` false when it broke off, with what broke it (undefined when
   * the client left first). A break counts against the provider's health.
   */
  ended(ok: boolean, error?: GatewayError): void {
    this.release();
    const { scope } = this;
    if (ok || !error || scope.sink.gone) return;
    scope.interrupted(this.provider, error);
    if (scope.timedOut) return;
    const now = scope.clock();
    const { health } = this.candidate.target;
    if (health.lateFailure(now) !== HealthChange.None) scope.health(HealthChange.Ejected, health, now);
  }

  /** A response body that failed: before its first byte (`started` false) or part-way. */
  lost(err: unknown, started: boolean): GatewayError {
    // The gateway's own shutdown ended the stream: say so, not that the provider stopped.
    if (isShuttingDown(err)) return err;
    const { scope, provider } = this;
    if (scope.timedOut) return deadlineError(provider, scope.totalMs, started);
    const failure = upstreamFailure(err, provider, false);
    const what = failure.reason ?? failure.code ?? 'connection lost';
    return new GatewayError({
      status: failure.status,
      code: 'upstream_stream_interrupted',
      type: failure.type,
      provider,
      reason: started ? `cut off mid-response (${what})` : `dropped the response before its first byte (${what})`,
      message: started
        ? `${provider}: stopped sending mid-response (${what}); the answer is incomplete. Retry the request.`
        : `${provider}: dropped the response before sending any of it (${what}).`,
    });
  }

  empty(): GatewayError {
    return new GatewayError({ status: 502, code: 'upstream_empty_response', provider: this.provider, message: `${this.provider} answered with an empty body.` });
  }
}
