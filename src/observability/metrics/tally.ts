/**
 * What the records add up to, kept in plain numbers: one slot per distinct label set, found
 * with one map lookup per record, and a few additions. prom-client's own instruments cost a
 * label hash and a validation per call — ten calls a record — so the exporters read these
 * totals at scrape time instead (prometheus.ts).
 */
import type { RequestRecord } from '../records/request-record.js';
import { attemptResult, keyLabel, type ModelLabels } from './labels.js';

export const TOKEN_TYPES = ['input', 'output', 'cached', 'cache_write', 'reasoning'] as const;

/** LLM latencies, in seconds: a cached embedding in milliseconds, a long reasoning stream in minutes. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
/** The gateway's own time, in seconds: tens of microseconds when all goes well. */
export const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** Observations per bucket (not cumulative: `counts[i]` holds those in (bounds[i-1], bounds[i]]; the last, those above every bound). */
export class HistogramCounts {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  add(other: HistogramCounts): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.sum += other.sum;
    this.count += other.count;
  }
}

/** The labels of `ai_gateway_requests_total`. */
export interface RequestLabels {
  router: string;
  provider: string;
  model: string;
  status: string;
  outcome: string;
}

/** The records that share their request labels and provider key. */
export interface Slot {
  labels: RequestLabels;
  /** The key's fingerprint label; null when no credential served. */
  key: string | null;
  requests: number;
  duration: HistogramCounts;
  firstByte: HistogramCounts;
  /** In TOKEN_TYPES order. */
  tokens: Float64Array;
  cost: number;
  /** Some record here had a price: the cost series exists (0 included) only then. */
  priced: boolean;
}

export interface AttemptCount {
  provider: string;
  result: string;
  count: number;
}

export class RequestTally {
  readonly slots = new Map<string, Slot>();
  readonly attempts = new Map<string, AttemptCount>();
  readonly overhead: HistogramCounts;

  constructor(
    private readonly models: ModelLabels,
    private readonly latencyBounds: readonly number[] = LATENCY_BUCKETS,
    overheadBounds: readonly number[] = OVERHEAD_BUCKETS,
  ) {
    this.overhead = new HistogramCounts(overheadBounds);
  }

  add(r: RequestRecord): void {
    const router = r.router ?? 'passthrough';
    const provider = r.provider ?? 'none';
    const model = this.models.label(r.model);
    const id = `${router}\n${provider}\n${model}\n${r.status}\n${r.outcome}\n${r.provider_key ?? ''}`;
    let slot = this.slots.get(id);
    if (!slot) {
      slot = {
        labels: { router, provider, model, status: String(r.status), outcome: r.outcome },
        key: r.provider_key === null ? null : keyLabel(r.provider_key),
        requests: 0,
        duration: new HistogramCounts(this.latencyBounds),
        firstByte: new HistogramCounts(this.latencyBounds),
        tokens: new Float64Array(TOKEN_TYPES.length),
        cost: 0,
        priced: false,
      };
      this.slots.set(id, slot);
    }
    slot.requests++;
    slot.duration.observe(r.latency_ms / 1000);
    if (r.first_byte_ms !== null) slot.firstByte.observe(r.first_byte_ms / 1000);
    if (r.overhead_ms !== null) this.overhead.observe(r.overhead_ms / 1000);
    const t = slot.tokens;
    if (r.input_tokens) t[0] += r.input_tokens;
    if (r.output_tokens) t[1] += r.output_tokens;
    if (r.cached_tokens) t[2] += r.cached_tokens;
    if (r.cache_write_tokens) t[3] += r.cache_write_tokens;
    if (r.reasoning_tokens) t[4] += r.reasoning_tokens;
    if (r.cost_usd !== null && Number.isFinite(r.cost_usd)) {
      slot.cost += r.cost_usd;
      slot.priced = true;
    }
    for (let i = 0; i < r.attempts.length; i++) {
      const a = r.attempts[i];
      const result = attemptResult(a);
      const key = `${a.provider}\n${result}`;
      const count = this.attempts.get(key);
      if (count) count.count++;
      else this.attempts.set(key, { provider: a.provider, result, count: 1 });
    }
  }
}
