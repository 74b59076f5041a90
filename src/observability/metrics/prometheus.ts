/**
 * The gateway's metrics on one prom-client registry (never the global one: tests and a second
 * gateway in the process keep their own numbers). Names follow Prometheus conventions: base
 * units (seconds), `_total` for counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { CompiledGateway } from '../../config/compile.js';
import type { ProviderHealth } from '../../core/health/provider-health.js';
import { ModelLabels } from './labels.js';
import { RecordMetrics, type Instruments } from './record-metrics.js';

export const PREFIX = 'ai_gateway_';

/** LLM latencies: a cached embedding in milliseconds, a long reasoning stream in minutes. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
/** The gateway's own time: tens of microseconds when all goes well. */
export const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

export type Snapshot = MetricObjectWithValues<MetricValue<string>>[];

export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly sink: RecordMetrics;

  constructor(compiled: CompiledGateway) {
    const registers = [this.registry];
    const instruments: Instruments = {
      requests: new Counter({
        name: `${PREFIX}requests_total`,
        help: 'Requests served, by router, provider, model, the status the client got and the outcome.',
        labelNames: ['router', 'provider', 'model', 'status', 'outcome'],
        registers,
      }),
      duration: new Histogram({
        name: `${PREFIX}request_duration_seconds`,
        help: 'From the request arriving to the end of its response.',
        labelNames: ['router', 'provider'],
        buckets: LATENCY_BUCKETS,
        registers,
      }),
      firstByte: new Histogram({
        name: `${PREFIX}time_to_first_byte_seconds`,
        help: 'From the request arriving to the first byte of the answer sent to the client.',
        labelNames: ['router', 'provider'],
        buckets: LATENCY_BUCKETS,
        registers,
      }),
      attempts: new Counter({
        name: `${PREFIX}upstream_attempts_total`,
        help: 'Attempts sent to providers, by result (ok, error, client_error, rate_limited, timeout, unreachable, pool_exhausted, cancelled).',
        labelNames: ['provider', 'result'],
        registers,
      }),
      tokens: new Counter({
        name: `${PREFIX}tokens_total`,
        help: 'Tokens by type: input (all of them, cached included), output (reasoning included), cached, cache_write, reasoning.',
        labelNames: ['provider', 'model', 'type'],
        registers,
      }),
      cost: new Counter({
        name: `${PREFIX}cost_usd_total`,
        help: 'Spend in US dollars, for the requests whose price is known.',
        labelNames: ['provider', 'model', 'router'],
        registers,
      }),
      keyRequests: new Counter({
        name: `${PREFIX}provider_key_requests_total`,
        help: 'Requests by the provider credential that served them (its fingerprint only).',
        labelNames: ['provider', 'key'],
        registers,
      }),
      overhead: new Histogram({
        name: `${PREFIX}overhead_seconds`,
        help: 'Time spent in the gateway itself before the first byte, upstream waits excluded.',
        buckets: OVERHEAD_BUCKETS,
        registers,
      }),
      dropped: new Counter({
        name: `${PREFIX}metrics_records_dropped_total`,
        help: 'Finished requests not counted because the metrics queue was full.',
        registers,
      }),
    };
    const health = compiled.health;
    new Gauge({
      name: `${PREFIX}provider_healthy`,
      help: '1 while the provider takes requests, 0 while it is ejected after errors (or awaiting its trial request).',
      labelNames: ['provider'],
      // Across workers: unhealthy as soon as one worker has ejected it.
      aggregator: 'min',
      registers,
      collect() {
        this.reset();
        for (const [provider, healthy] of providerHealth(health.all())) this.set({ provider }, healthy);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.sink = new RecordMetrics(instruments, new ModelLabels(compiled));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    this.sink.drain();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** This process's numbers, for the primary to sum with the other workers'. */
  async snapshot(): Promise<Snapshot> {
    this.sink.drain();
    return this.registry.getMetricsAsJSON();
  }
}

/** One value per provider name: a provider behind several base URLs is healthy only if all are. */
function providerHealth(healths: Iterable<ProviderHealth>): Map<string, number> {
  const byName = new Map<string, number>();
  for (const h of healths) {
    const state = h.state;
    const healthy = state === 'ejected' || state === 'half-open' ? 0 : 1;
    byName.set(h.provider, Math.min(byName.get(h.provider) ?? 1, healthy));
  }
  return byName;
}
