/**
 * Structured logs (pino, JSON lines on stdout). Nothing secret is ever passed in: log calls
 * take request ids, paths without query strings, statuses and provider names — never headers
 * or bodies (pino's redaction would cost ~2% of a request's CPU to guard objects we never log).
 */
import { pino, type Logger } from 'pino';
import { AccessLog } from './access-log.js';
import { EventLog } from './event-log.js';
import { LineBatcher, type LineSink } from './line-batcher.js';

export type { Logger };

export interface Logging {
  logger: Logger;
  /** The per-request line, written to the same batched output as the logger's. */
  accessLog: AccessLog;
  /** Failed attempts, fallbacks, retries, health changes, interrupted streams (event-log.ts). */
  events: EventLog;
}

/** Lines reach `destination` in batches (see LineBatcher), not one write per line. */
export function createLogging(level: string, destination: LineSink = process.stdout): Logging {
  // Helicone's `telemetry.level` is an env-filter ("info,ai_gateway=debug"): take its default level.
  const first = level.split(',')[0]?.trim().toLowerCase() || 'info';
  const known = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  const lines = new LineBatcher(destination);
  const logger = pino({ level: known.includes(first) ? first : 'info', base: undefined }, lines);
  return { logger, accessLog: new AccessLog(lines, logger), events: new EventLog(logger) };
}
