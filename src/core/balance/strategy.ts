/**
 * A balancing strategy orders one request's available candidates in place: the first is tried
 * first, the rest are fallbacks in order. Randomness and time are injected so tests are
 * deterministic.
 */
import type { TargetStats } from './target-stats.js';

export type Random = () => number;

export interface Balanceable {
  readonly target: { readonly weight: number; readonly stats: TargetStats };
}

export interface Strategy {
  readonly name: string;
  order(items: Balanceable[], random: Random, now: number): void;
}

/** mulberry32: a small seeded generator for reproducible routing in tests and benchmarks. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
