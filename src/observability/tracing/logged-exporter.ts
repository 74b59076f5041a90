/**
 * The OTLP exporter, with its failures logged: the SDK reports them to a diagnostics logger
 * that is silent by default, so an unreachable collector would otherwise go unnoticed. One
 * line for the first failure, then at most one a minute with the count since.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../logger.js';

const LOG_EVERY_MS = 60_000;

export class LoggedExporter implements SpanExporter {
  private failures = 0;
  private lastLog = -Infinity;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
    private readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.failed(spans.length, result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private failed(spans: number, error: Error | undefined): void {
    this.failures++;
    const now = performance.now();
    if (now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    this.logger.warn({ event: 'trace_export_failed', endpoint: this.endpoint, spans, failures: this.failures, reason: error?.message.slice(0, 200) }, 'traces could not be exported; spans dropped');
    this.failures = 0;
  }
}
