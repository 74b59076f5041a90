/**
 * The OpenTelemetry SDK, set up for one gateway: a tracer provider with the service's resource,
 * a batch span processor (its queue bounded: spans past it are dropped, not waited for) and the
 * OTLP/HTTP exporter (JSON). Imported only by createTracing when traces are exported, so a
 * gateway without them never loads the SDK.
 */
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from '../logger.js';
import { loggableEndpoint } from './endpoint.js';
import { LoggedExporter } from './logged-exporter.js';
import { RequestSpans, type RequestSpansOptions } from './request-spans.js';

export interface OtelSetup {
  endpoint: string;
  serviceName: string;
  spans: RequestSpansOptions;
  /** Spans wait at most this long in the queue before a batch is sent (the SDK's default is 5 s). */
  scheduledDelayMs?: number;
}

export interface OtelTracing {
  spans: RequestSpans;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const EXPORT_TIMEOUT_MS = 10_000;

export function startOtel(setup: OtelSetup, logger: Logger): OtelTracing {
  const exporter = new OTLPTraceExporter({ url: setup.endpoint, timeoutMillis: EXPORT_TIMEOUT_MS });
  const processor = new BatchSpanProcessor(new LoggedExporter(exporter, logger, loggableEndpoint(setup.endpoint)), {
    maxQueueSize: 4096,
    maxExportBatchSize: 512,
    scheduledDelayMillis: setup.scheduledDelayMs ?? 2_000,
    exportTimeoutMillis: EXPORT_TIMEOUT_MS,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: setup.serviceName }),
    spanProcessors: [processor],
  });
  // Not registered globally: the gateway's tracer is its own, whatever else shares the process.
  const spans = new RequestSpans(provider.getTracer('ai-gateway'), setup.spans);
  return {
    spans,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
