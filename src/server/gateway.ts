/** Everything a handler needs, built once at startup. */
import type { CompiledGateway } from '../config/compile.js';
import type { AccessLog } from '../observability/access-log.js';
import type { EventLog } from '../observability/event-log.js';
import type { Logger, Logging } from '../observability/logger.js';
import { UpstreamClient } from '../upstream/client.js';
import { InFlight } from './in-flight.js';
import { heldSecrets } from '../secrets/held-secrets.js';
import { Scrubber } from '../secrets/scrubber.js';
import { poolLimits } from '../upstream/pool-gate.js';

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
  /** Keeps the held credentials out of every relayed response. */
  scrubber: Scrubber;
  /** `dispatcher.max-response-size`: most bytes of one upstream response held in memory. */
  maxResponseBytes: number;
}

export function createGateway(compiled: CompiledGateway, { logger, accessLog, events }: Logging): Gateway {
  return {
    compiled,
    upstream: new UpstreamClient(poolLimits(compiled.config.dispatcher)),
    logger,
    accessLog,
    events,
    maxBodyBytes: compiled.config.server['max-body-size'],
    inFlight: new InFlight(),
    scrubber: new Scrubber(heldSecrets(compiled.credentials)),
    maxResponseBytes: compiled.config.dispatcher['max-response-size'],
  };
}
