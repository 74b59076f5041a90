/**
 * The record sink behind the metrics. `write` only queues (the request that finished does not
 * wait for the counting); the queue is counted into the instruments on the next turn of the
 * event loop, or at once when a scrape comes. Bounded: when full, records are dropped and
 * counted as dropped.
 */
import type { Counter, Histogram } from 'prom-client';
import type { RecordSink, RequestRecord } from '../records/request-record.js';
import { NONE, attemptResult, keyLabel, type ModelLabels } from './labels.js';

export interface Instruments {
  requests: Counter<'router' | 'provider' | 'model' | 'status' | 'outcome'>;
  duration: Histogram<'router' | 'provider'>;
  firstByte: Histogram<'router' | 'provider'>;
  attempts: Counter<'provider' | 'result'>;
  tokens: Counter<'provider' | 'model' | 'type'>;
  cost: Counter<'provider' | 'model' | 'router'>;
  keyRequests: Counter<'provider' | 'key'>;
  overhead: Histogram;
  dropped: Counter;
}

/** Far more than one event-loop turn brings; only a stalled loop fills it. */
const MAX_QUEUED = 10_000;

export class RecordMetrics implements RecordSink {
  private queue: RequestRecord[] = [];
  private scheduled = false;

  constructor(
    private readonly m: Instruments,
    private readonly models: ModelLabels,
  ) {}

  write(record: RequestRecord): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.m.dropped.inc();
      return;
    }
    this.queue.push(record);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  /** Counts what is queued. */
  readonly drain = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    for (let i = 0; i < queue.length; i++) {
      try {
        this.count(queue[i]);
      } catch {
        // A record prom-client refuses (a value it cannot take) must not stop the rest.
      }
    }
  };

  async flush(): Promise<void> {
    this.drain();
  }

  private count(r: RequestRecord): void {
    const { m } = this;
    const router = r.router ?? 'passthrough';
    const provider = r.provider ?? NONE;
    const model = this.models.label(r.model);
    m.requests.inc({ router, provider, model, status: String(r.status), outcome: r.outcome });
    m.duration.observe({ router, provider }, r.latency_ms / 1000);
    if (r.first_byte_ms !== null) m.firstByte.observe({ router, provider }, r.first_byte_ms / 1000);
    if (r.overhead_ms !== null) m.overhead.observe(r.overhead_ms / 1000);
    for (const a of r.attempts) m.attempts.inc({ provider: a.provider, result: attemptResult(a) });
    if (r.provider_key !== null) m.keyRequests.inc({ provider, key: keyLabel(r.provider_key) });
    if (r.input_tokens) m.tokens.inc({ provider, model, type: 'input' }, r.input_tokens);
    if (r.output_tokens) m.tokens.inc({ provider, model, type: 'output' }, r.output_tokens);
    if (r.cached_tokens) m.tokens.inc({ provider, model, type: 'cached' }, r.cached_tokens);
    if (r.cache_write_tokens) m.tokens.inc({ provider, model, type: 'cache_write' }, r.cache_write_tokens);
    if (r.reasoning_tokens) m.tokens.inc({ provider, model, type: 'reasoning' }, r.reasoning_tokens);
    if (r.cost_usd !== null) m.cost.inc({ provider, model, router }, r.cost_usd);
  }
}
