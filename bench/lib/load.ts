/**
 * One load slice: autocannon against one URL for a few seconds. Latencies are recorded here from
 * autocannon's per-response event (sub-millisecond floats) rather than its integer histogram,
 * since added latency at one connection is a fraction of a millisecond.
 */
import autocannon from 'autocannon';
import { percentileSorted } from './stats.js';

export interface RequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SliceOptions {
  connections: number;
  durationSec: number;
  /** Fixed total request rate (req/s); unset = as fast as the target answers. */
  overallRate?: number;
  /** Skip percentile work (warm-up, soak). */
  latencies?: boolean;
}

export interface SliceResult {
  ok: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  /** Every 2xx response's latency in ms, sorted (kept out of the saved JSON by the scenario). */
  latencies?: Float64Array;
}

export function runSlice(request: RequestSpec, options: SliceOptions): Promise<SliceResult> {
  const keep = options.latencies !== false;
  let latencies = new Float64Array(keep ? 1 << 15 : 0);
  let ok = 0;
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        connections: options.connections,
        duration: options.durationSec,
        overallRate: options.overallRate,
        timeout: 30,
        sampleInt: 250,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const sorted = latencies.subarray(0, keep ? ok : 0).sort();
        const durationSec = result.duration > 0 ? result.duration : options.durationSec;
        resolve({
          ok,
          rps: ok / durationSec,
          p50: percentileSorted(sorted, 50),
          p99: percentileSorted(sorted, 99),
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          durationSec,
          ...(keep ? { latencies: sorted } : {}),
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      if (statusCode < 200 || statusCode >= 300) {
        non2xx++;
        return;
      }
      if (keep) {
        if (ok === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[ok] = responseTimeMs;
      }
      ok++;
    });
  });
}
