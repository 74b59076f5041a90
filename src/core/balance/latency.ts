/** Power of two choices over peak-EWMA load (Helicone's `latency` / `provider-latency`). */
import type { Balanceable, Random, Strategy } from './strategy.js';

export const latencyStrategy: Strategy = {
  name: 'latency',
  order<T extends Balanceable>(eligible: T[], random: Random): T[] {
    if (eligible.length <= 1) return eligible;
    const a = Math.floor(random() * eligible.length);
    let b = Math.floor(random() * (eligible.length - 1));
    if (b >= a) b++;
    const first = eligible[a].stats.load <= eligible[b].stats.load ? eligible[a] : eligible[b];
    // Fallbacks: the rest, least loaded first.
    const rest = eligible.filter((t) => t !== first).sort((x, y) => x.stats.load - y.stats.load);
    return [first, ...rest];
  },
};
