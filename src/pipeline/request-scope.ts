/**
 * What the attempts of one request share: one abort signal for client disconnect and the
 * whole-request deadline (one timer per request, cleared when the response closes), the
 * upstream client, the route's timeouts, the client sink and the event bus. It is also the
 * attempt loop's event sink, writing the request's event lines (nothing while all goes well).
 */
import type { AttemptEvents, AttemptScope } from '../core/attempts.js';
import type { CancelSignal } from '../core/cancel-signal.js';
import type { ClientSink } from '../core/client-sink.js';
import type { Clock } from '../core/clock.js';
import type { GatewayError } from '../core/gateway-error.js';
import { HealthChange, type ProviderHealth } from '../core/health/provider-health.js';
import type { PipelineEvents } from '../core/pipeline-events.js';
import type { RouteTimeouts } from '../core/route-timeouts.js';
import type { EventLog } from '../observability/event-log.js';
import type { Scrubber } from '../secrets/scrubber.js';
import type { UpstreamClient, UpstreamTimeouts } from '../upstream/client.js';
import type { RequestContext } from '../server/context.js';
import type { Gateway } from '../server/gateway.js';
import { markInterrupted } from '../server/request-log.js';

/** Health changes the bus reports (a trial that failed again is still the same ejection). */
export function emitHealth(bus: PipelineEvents, change: HealthChange, provider: string, at: number): void {
  const state = change === HealthChange.Ejected ? 'ejected' : change === HealthChange.Readmitted ? 'recovered' : change === HealthChange.CoolingDown ? 'rate-limited' : undefined;
  if (state) bus.emit({ type: 'health', provider, state, at });
}

export class RequestScope implements AttemptScope, AttemptEvents {
  readonly signal: CancelSignal;
  readonly deadline: number;
  readonly clock: Clock;
  readonly client: UpstreamClient;
  /** Non-streaming requests. */
  readonly timeouts: UpstreamTimeouts;
  /** Streaming requests: a shorter wait for the response headers. */
  readonly streamTimeouts: UpstreamTimeouts;
  readonly totalMs: number;
  readonly scrubber: Scrubber;
  readonly maxResponseBytes: number;
  readonly requestId: string;
  readonly log: EventLog;
  readonly bus: PipelineEvents;
  readonly events: AttemptEvents = this;
  timedOut = false;
  /** The attempt being made (1, 2, …). */
  attempt = 0;
  /** The current attempt's wait for the provider: from sending to its response headers or failure. */
  upstreamMs = 0;
  /** The current attempt's HTTP status from the provider, 0 until it answers. */
  upstreamStatus = 0;
  /** The W3C `traceparent` to send upstream for an attempt, when tracing propagates. */
  readonly traceparent: ((requestId: string, attempt: number) => string | undefined) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly gw: Gateway,
    readonly ctx: RequestContext,
    /** Where the egress commits the answer. */
    readonly sink: ClientSink,
    timeouts: RouteTimeouts,
    readonly label: string,
  ) {
    this.clock = gw.compiled.clock;
    // The request's own signal: the deadline cancels the whole request, like a disconnect.
    this.signal = ctx.signal;
    this.totalMs = timeouts.totalMs;
    this.deadline = this.clock() + timeouts.totalMs;
    this.client = gw.upstream;
    this.timeouts = timeouts.upstream;
    this.scrubber = gw.scrubber;
    this.maxResponseBytes = gw.maxResponseBytes;
    this.streamTimeouts = timeouts.upstreamStream;
    this.requestId = ctx.id;
    this.log = gw.events;
    this.bus = gw.bus;
    this.traceparent = gw.traceparent;
    this.timer = setTimeout(this.onDeadline, timeouts.totalMs);
    ctx.onClose(this.dispose);
  }

  /** A committed answer broke off: the access line says `interrupted`, an event line says why. */
  interrupted(provider: string, error: GatewayError): void {
    markInterrupted(this.gw, this.ctx, provider, error);
  }

  attemptFailed(provider: string, attempt: number, error: GatewayError): void {
    this.log.attemptFailed(this.requestId, provider, attempt, error);
  }

  fallback(from: string, to: string, attempt: number): void {
    this.log.fallback(this.requestId, from, to, attempt);
  }

  retry(provider: string, attempt: number, waitMs: number): void {
    this.log.retry(this.requestId, provider, attempt, waitMs);
  }

  health(change: HealthChange, health: ProviderHealth, now: number): void {
    this.log.health(this.requestId, change, health, now);
    if (this.bus.active) emitHealth(this.bus, change, health.provider, now);
  }

  private readonly onDeadline = (): void => {
    this.timedOut = true;
    this.signal.abort(new Error('deadline'));
  };

  readonly dispose = (): void => {
    clearTimeout(this.timer);
  };
}
