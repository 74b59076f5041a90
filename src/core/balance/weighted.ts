/** Weighted random order without replacement (Helicone's `weighted` / `provider-weighted`). */
import type { Balanceable, Random, Strategy } from './strategy.js';

export const weightedStrategy: Strategy = {
  name: 'weighted',
  order<T extends Balanceable>(eligible: T[], random: Random): T[] {
    if (eligible.length <= 1) return eligible;
    const pool = eligible.slice();
    const out: T[] = [];
    while (pool.length > 0) {
      let total = 0;
      for (const t of pool) total += t.weight;
      let pick = random() * total;
      let index = pool.length - 1;
      for (let i = 0; i < pool.length; i++) {
        pick -= pool[i].weight;
        if (pick < 0) {
          index = i;
          break;
        }
      }
      out.push(pool[index]);
      pool.splice(index, 1);
    }
    return out;
  },
};
