/**
 * Weighted random order without replacement (Helicone's `weighted` / `provider-weighted`, and
 * `model-weighted`). Only available candidates are passed in, so the weights of the others
 * re-normalise implicitly.
 */
import type { Balanceable, Random, Strategy } from './strategy.js';

export const weightedStrategy: Strategy = {
  name: 'weighted',
  order(items: Balanceable[], random: Random): void {
    const n = items.length;
    for (let i = 0; i < n - 1; i++) {
      let total = 0;
      for (let j = i; j < n; j++) total += items[j].target.weight;
      let pick = random() * total;
      let chosen = n - 1;
      for (let j = i; j < n; j++) {
        pick -= items[j].target.weight;
        if (pick < 0) {
          chosen = j;
          break;
        }
      }
      const t = items[i];
      items[i] = items[chosen];
      items[chosen] = t;
    }
  },
};
