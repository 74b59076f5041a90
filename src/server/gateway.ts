/** Everything a handler needs, built once at startup. */
import type { CompiledGateway } from '../config/compile.js';
import type { AccessLog } from '../observability/access-log.js';
import type { EventLog } from '../observability/event-log.js';
import type { Logger, Logging } from '../observability/logger.js';
import { UpstreamClient } from '../upstream/client.js';
import { InFlight } from './in-flight.js';
import { heldSecrets, tokenSources } from '../secrets/held-secrets.js';
import { Scrubber } from '../secrets/scrubber.js';
import { poolLimits } from '../upstream/pool-gate.js';
import { PipelineEvents } from '../core/pipeline-events.js';
import type { Policy } from '../policies/policy.js';
import { ResponseStore } from '../ingress/openai-responses/response-store.js';
import type { PriceBook, RecordSink } from '../observability/records/request-record.js';
import { RequestRecorder } from '../observability/records/request-recorder.js';
import type { Metrics } from '../observability/metrics/index.js';

export interface Gateway {
  compiled: CompiledGateway;
  /** One client for every route: timeouts travel with each request. */
  upstream: UpstreamClient;
  logger: Logger;
  accessLog: AccessLog;
  events: EventLog;
  maxBodyBytes: number;
  /** The requests being served (graceful shutdown). */
  inFlight: InFlight;
  /**
   * Keeps the held credentials out of every relayed response. Replaced (not changed) when an
   * OAuth token is renewed: a request keeps the scrubber it started with.
   */
  scrubber: Scrubber;
  /** Some credentials are tokens fetched later: scrub even before the first one arrives. */
  scrubsTokens: boolean;
  /** `dispatcher.max-response-size`: most bytes of one upstream response held in memory. */
  maxResponseBytes: number;
  /** The pipeline's typed events (audit, metrics, limits subscribe here). */
  bus: PipelineEvents;
  /** Checks before routing and bookkeeping after, in order (auth, limits, cache). */
  policies: Policy[];
  /** Responses created by translation, for `previous_response_id` (bounded, with a TTL). */
  responses: ResponseStore;
  /** The W3C `traceparent` for an attempt's upstream request, when tracing propagates. */
  traceparent?: (requestId: string, attempt: number) => string | undefined;
  /** Finished request records go to these sinks (audit log, metrics, alerts); see addRecordSink. */
  records: RecordSink[];
  /** Prices usage for the records; records are unpriced without it. */
  prices?: PriceBook;
  /** Most bytes of each request and response body the audit log keeps; 0 keeps none (the default). */
  bodyLimit: number;
  /** The `/metrics` page (`metrics.enabled`); without it the route answers 404. */
  metrics?: Pick<Metrics, 'render'>;
}

/** Adds a record sink; the recorder joins the bus with the first one (no sink, no recording cost). */
export function addRecordSink(gw: Gateway, sink: RecordSink): void {
  if (gw.records.length === 0) {
    const recorder = new RequestRecorder(gw.records, { price: (provider, model, usage) => gw.prices?.price(provider, model, usage) ?? { cost_usd: null, price_source: null } });
    gw.bus.subscribe(recorder.observe);
  }
  gw.records.push(sink);
}

/** `audit.bodies: true` stores at most this much of each body. */
export const STORED_BODY_LIMIT = 1024 * 1024;

export function createGateway(compiled: CompiledGateway, { logger, accessLog, events }: Logging): Gateway {
  const secrets = heldSecrets(compiled.credentials);
  const sources = tokenSources(compiled.credentials);
  const gateway: Gateway = {
    compiled,
    upstream: new UpstreamClient(poolLimits(compiled.config.dispatcher)),
    logger,
    accessLog,
    events,
    maxBodyBytes: compiled.config.server['max-body-size'],
    inFlight: new InFlight(),
    scrubber: new Scrubber(secrets),
    scrubsTokens: sources.length > 0,
    maxResponseBytes: compiled.config.dispatcher['max-response-size'],
    bus: new PipelineEvents(),
    policies: [],
    responses: new ResponseStore({ clock: compiled.clock }),
    records: [],
    bodyLimit: compiled.config.audit.enabled && compiled.config.audit.bodies ? STORED_BODY_LIMIT : 0,
  };
  // The current token of each source joins the static secrets; a renewal (at most every few
  // minutes) rebuilds the scrubber once.
  const tokens = new Map<object, string>();
  for (const source of sources) {
    source.onToken?.((token) => {
      tokens.set(source, token);
      gateway.scrubber = new Scrubber([...secrets, ...tokens.values()]);
    });
  }
  return gateway;
}
