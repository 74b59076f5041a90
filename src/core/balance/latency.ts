/**
 * Power of two choices over peak-EWMA load (Helicone's `latency` / `provider-latency`, and
 * `model-latency`): two random candidates, the less loaded one goes first. The others follow
 * as fallbacks, least loaded first.
 */
import type { Balanceable, Random, Strategy } from './strategy.js';

function swap(items: Balanceable[], i: number, j: number): void {
  const t = items[i];
  items[i] = items[j];
  items[j] = t;
}

export const latencyStrategy: Strategy = {
  name: 'latency',
  order(items: Balanceable[], random: Random, now: number): void {
    const n = items.length;
    if (n <= 1) return;
    const a = Math.floor(random() * n);
    let b = Math.floor(random() * (n - 1));
    if (b >= a) b++;
    swap(items, 0, items[a].target.stats.load(now) <= items[b].target.stats.load(now) ? a : b);
    // Insertion sort of the fallbacks: lists are a handful of providers long.
    for (let i = 2; i < n; i++) {
      const item = items[i];
      const load = item.target.stats.load(now);
      let j = i - 1;
      while (j >= 1 && items[j].target.stats.load(now) > load) {
        items[j + 1] = items[j];
        j--;
      }
      items[j + 1] = item;
    }
  },
};
