/**
 * OpenTelemetry traces (Helicone's `telemetry.exporter: otlp | both`): one SERVER span per
 * request and a CLIENT span per attempt, built live from the pipeline's events and exported
 * over OTLP/HTTP. With any other exporter nothing here loads the SDK: it is imported on demand.
 *
 *   const tracing = await createTracing(config.telemetry, gw, logger);   // sets gw.traceparent
 *   …
 *   await tracing?.shutdown();   // after the server has drained: exports what is queued
 */
import type { GatewayConfig } from '../../config/schema.js';
import type { Gateway } from '../../server/gateway.js';
import type { Logger } from '../logger.js';
import { loggableEndpoint, tracesEndpoint } from './endpoint.js';

export interface Tracing {
  /** Where spans are sent (the OTLP/HTTP traces endpoint). */
  readonly endpoint: string;
  readonly serviceName: string;
  /** Sends every span ended so far, now. */
  flush(): Promise<void>;
  /**
   * Stops tracing new requests, ends the spans still open and exports everything queued (at
   * most ~10 s when the collector hangs). Call once, after the server has drained.
   */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Where OTEL_EXPORTER_OTLP_* and OTEL_SERVICE_NAME are read (the process's by default). */
  env?: NodeJS.ProcessEnv;
  /** The batch processor's delay before a batch is sent (tests use a short one). */
  scheduledDelayMs?: number;
}

export const DEFAULT_SERVICE_NAME = 'ai-gateway';

/** Whether this telemetry config exports traces. */
export function exportsTraces(telemetry: GatewayConfig['telemetry']): boolean {
  return telemetry.exporter === 'otlp' || telemetry.exporter === 'both';
}

export async function createTracing(
  telemetry: GatewayConfig['telemetry'],
  gw: Gateway,
  logger: Logger,
  options: TracingOptions = {},
): Promise<Tracing | undefined> {
  if (!exportsTraces(telemetry)) return undefined;
  const env = options.env ?? process.env;
  let endpoint: string;
  try {
    endpoint = tracesEndpoint(telemetry['otlp-endpoint'], env);
  } catch {
    // The value is not echoed: an endpoint URL may carry a token.
    throw new Error('telemetry.otlp-endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) is not a valid URL');
  }
  const serviceName = telemetry['service-name'] ?? (env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME);
  // Helicone's `propagate` (default on): trust the client's trace context and pass ours upstream.
  const propagate = telemetry.propagate !== false;
  const { startOtel } = await import('./otel-tracing.js');
  const otel = startOtel(
    {
      endpoint,
      serviceName,
      scheduledDelayMs: options.scheduledDelayMs,
      spans: { trustClientParent: propagate, upstreamOf: (provider) => gw.compiled.providers.get(provider)?.runtime.baseUrl },
    },
    logger,
  );
  const unsubscribe = gw.bus.subscribe(otel.spans.observe);
  if (propagate) gw.traceparent = otel.spans.traceparent;
  logger.info({ event: 'tracing', endpoint: loggableEndpoint(endpoint), serviceName, propagate }, 'exporting traces over OTLP/HTTP');
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    serviceName,
    flush: () => otel.flush(),
    shutdown() {
      stopped ??= (async () => {
        unsubscribe();
        if (gw.traceparent === otel.spans.traceparent) gw.traceparent = undefined;
        otel.spans.endAll();
        await otel.shutdown();
      })();
      return stopped;
    },
  };
}
