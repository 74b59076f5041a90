/**
 * The exposition: the tally's totals and provider health as prom-client metrics on a registry
 * of their own (never the global one: tests and a second gateway in the process keep their own
 * numbers), with prom-client's process metrics. Loaded at the first scrape, so a gateway that is
 * never scraped never loads prom-client. Names follow Prometheus conventions: base units
 * (seconds), `_total` for counters.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsSnapshot } from '../../cli/worker-messages.js';
import type { HealthRegistry } from '../../core/health/health-registry.js';
import type { ProviderHealth } from '../../core/health/provider-health.js';
import { CollectedHistogram } from './collected-histogram.js';
import type { RecordMetrics } from './record-metrics.js';
import { HistogramCounts, TOKEN_TYPES, type RequestTally, type Slot } from './tally.js';

export const PREFIX = 'ai_gateway_';

export class PrometheusExporter {
  readonly registry = new Registry();

  constructor(
    tally: RequestTally,
    private readonly sink: RecordMetrics,
    health: HealthRegistry,
  ) {
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
  async snapshot(): Promise<MetricsSnapshot> {
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
