/** Everything a handler needs, built once at startup. */
import type { CompiledGateway } from '../config/compile.js';
import type { Logger } from '../observability/logger.js';
import { UpstreamClient } from '../upstream/client.js';

export interface Gateway {
  compiled: CompiledGateway;
  /** One client for every route: timeouts travel with each request. */
  upstream: UpstreamClient;
  logger: Logger;
  maxBodyBytes: number;
  exposeProviderRequestId: boolean;
}

export function createGateway(compiled: CompiledGateway, logger: Logger): Gateway {
  return {
    compiled,
    upstream: new UpstreamClient(),
    logger,
    maxBodyBytes: compiled.config.server['max-body-size'],
    exposeProviderRequestId: compiled.config['response-headers']['provider-request-id'],
  };
}
