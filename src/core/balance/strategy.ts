/**
 * A balancing strategy orders a router's eligible targets for one request: the first is tried
 * first, the rest are fallbacks in order. Randomness is injected so tests are deterministic.
 */
import type { TargetStats } from './target-stats.js';

export type Random = () => number;

export interface Balanceable {
  readonly weight: number;
  readonly stats: TargetStats;
}

export interface Strategy {
  readonly name: string;
  order<T extends Balanceable>(eligible: T[], random: Random): T[];
}
