/**
 * The gateway's metrics on one prom-client registry (never the global one: tests and a second
 * gateway in the process keep their own numbers). Records are added up in the tally as they
 * come; the registry reads the totals at scrape time. Names follow Prometheus conventions: base
 * units (seconds), `_total` for counters.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { CompiledGateway } from '../../config/compile.js';
import type { ProviderHealth } from '../../core/health/provider-health.js';
import { CollectedHistogram } from './collected-histogram.js';
import { ModelLabels } from './labels.js';
import { RecordMetrics } from './record-metrics.js';
import { HistogramCounts, RequestTally, TOKEN_TYPES, type Slot } from './tally.js';

export const PREFIX = 'ai_gateway_';

/** LLM latencies: a cached embedding in milliseconds, a long reasoning stream in minutes. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
/** The gateway's own time: tens of microseconds when all goes well. */
export const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

export type Snapshot = MetricObjectWithValues<MetricValue<string>>[];

export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly sink: RecordMetrics;
  private readonly tally: RequestTally;

  constructor(compiled: CompiledGateway) {
    const tally = new RequestTally(new ModelLabels(compiled), LATENCY_BUCKETS, OVERHEAD_BUCKETS);
    const sink = new RecordMetrics(tally);
    this.tally = tally;
    this.sink = sink;
    const registers = [this.registry];
    const slots = (): Iterable<Slot> => tally.slots.values();

    new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Requests served, by router, provider, model, the status the client got and the outcome.',
      labelNames: ['router', 'provider', 'model', 'status', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const s of slots()) this.inc(s.labels, s.requests);
      },
    });
    new CollectedHistogram(`${PREFIX}request_duration_seconds`, 'From the request arriving to the end of its response.', () =>
      byRouterAndProvider(slots(), (s) => s.duration),
    ).register(this.registry);
    new CollectedHistogram(`${PREFIX}time_to_first_byte_seconds`, 'From the request arriving to the first byte of the answer sent to the client.', () =>
      byRouterAndProvider(slots(), (s) => s.firstByte),
    ).register(this.registry);
    new Counter({
      name: `${PREFIX}upstream_attempts_total`,
      help: 'Attempts sent to providers, by result (ok, error, client_error, rate_limited, timeout, unreachable, pool_exhausted, cancelled).',
      labelNames: ['provider', 'result'],
      registers,
      collect() {
        this.reset();
        for (const a of tally.attempts.values()) this.inc({ provider: a.provider, result: a.result }, a.count);
      },
    });
    new Counter({
      name: `${PREFIX}tokens_total`,
      help: 'Tokens by type: input (all of them, cached included), output (reasoning included), cached, cache_write, reasoning.',
      labelNames: ['provider', 'model', 'type'],
      registers,
      collect() {
        this.reset();
        const sums = new Map<string, { provider: string; model: string; tokens: Float64Array }>();
        for (const s of slots()) {
          const id = `${s.labels.provider}\n${s.labels.model}`;
          let sum = sums.get(id);
          if (!sum) sums.set(id, (sum = { provider: s.labels.provider, model: s.labels.model, tokens: new Float64Array(TOKEN_TYPES.length) }));
          for (let i = 0; i < TOKEN_TYPES.length; i++) sum.tokens[i] += s.tokens[i];
        }
        for (const { provider, model, tokens } of sums.values()) {
          for (let i = 0; i < TOKEN_TYPES.length; i++) if (tokens[i] > 0) this.inc({ provider, model, type: TOKEN_TYPES[i] }, tokens[i]);
        }
      },
    });
    new Counter({
      name: `${PREFIX}cost_usd_total`,
      help: 'Spend in US dollars, for the requests whose price is known.',
      labelNames: ['provider', 'model', 'router'],
      registers,
      collect() {
        this.reset();
        for (const s of slots()) if (s.priced) this.inc({ provider: s.labels.provider, model: s.labels.model, router: s.labels.router }, s.cost);
      },
    });
    new Counter({
      name: `${PREFIX}provider_key_requests_total`,
      help: 'Requests by the provider credential that served them (its fingerprint only).',
      labelNames: ['provider', 'key'],
      registers,
      collect() {
        this.reset();
        for (const s of slots()) if (s.key !== null) this.inc({ provider: s.labels.provider, key: s.key }, s.requests);
      },
    });
    new CollectedHistogram(`${PREFIX}overhead_seconds`, 'Time spent in the gateway itself before the first byte, upstream waits excluded.', () => [[{}, tally.overhead]]).register(
      this.registry,
    );
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
    new Counter({
      name: `${PREFIX}metrics_records_dropped_total`,
      help: 'Finished requests left out of these metrics because their queue was full.',
      registers,
      collect() {
        this.reset();
        this.inc(sink.dropped);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
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

/** The slots' histograms summed per router and provider (the histograms' labels). */
function byRouterAndProvider(slots: Iterable<Slot>, pick: (s: Slot) => HistogramCounts): [Record<string, string>, HistogramCounts][] {
  const sums = new Map<string, [Record<string, string>, HistogramCounts]>();
  for (const s of slots) {
    const h = pick(s);
    if (h.count === 0) continue;
    const id = `${s.labels.router}\n${s.labels.provider}`;
    let sum = sums.get(id);
    if (!sum) sums.set(id, (sum = [{ router: s.labels.router, provider: s.labels.provider }, new HistogramCounts(h.bounds)]));
    sum[1].add(h);
  }
  return [...sums.values()];
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
