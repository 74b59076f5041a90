/** Everything a handler needs, built once at startup. */
import type { CompiledGateway } from '../config/compile.js';
import type { Logger } from '../observability/logger.js';
import { UpstreamClient, type UpstreamTimeouts } from '../upstream/client.js';

export interface Gateway {
  compiled: CompiledGateway;
  upstream: UpstreamClient;
  logger: Logger;
  timeouts: UpstreamTimeouts;
  /** Whole-request deadline for one upstream attempt. */
  requestTimeoutMs: number;
  maxBodyBytes: number;
  exposeProviderRequestId: boolean;
}

export function createGateway(compiled: CompiledGateway, logger: Logger): Gateway {
  const { dispatcher, server } = compiled.config;
  const requestTimeoutMs = dispatcher.timeout ?? 15 * 60_000;
  const connectMs = dispatcher['connection-timeout'] ?? dispatcher.connection_timeout ?? 10_000;
  return {
    compiled,
    upstream: new UpstreamClient(connectMs),
    logger,
    timeouts: {
      connectMs,
      firstByteMs: dispatcher['first-byte-timeout'] ?? requestTimeoutMs,
      idleMs: requestTimeoutMs,
    },
    requestTimeoutMs,
    maxBodyBytes: server['max-body-size'],
    exposeProviderRequestId: compiled.config['response-headers']['provider-request-id'],
  };
}
