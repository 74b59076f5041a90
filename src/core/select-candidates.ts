/**
 * Health filter shared by routers and `/ai`: drops ejected providers (and half-open ones whose
 * trial is running), puts providers cooling down after a 429 last, soonest-ready first, and
 * lets `order` arrange the rest. With nothing left the request fails fast with a 503.
 */
import { providersUnavailable } from './health/health-registry.js';
import type { Candidate } from './router.js';

export function selectAvailable(
  eligible: readonly Candidate[],
  now: number,
  label: string,
  order?: (healthy: Candidate[]) => void,
): readonly Candidate[] {
  if (eligible.length === 1) {
    // The common pinned case: no copy. Callers never mutate the list.
    if (eligible[0].target.health.admits(now)) return eligible;
    throw providersUnavailable(label, [eligible[0].target.health], now);
  }
  const out: Candidate[] = [];
  let cooling: Candidate[] | undefined;
  for (const c of eligible) {
    const health = c.target.health;
    if (!health.admits(now)) continue;
    if (health.coolingMs(now) > 0) (cooling ??= []).push(c);
    else out.push(c);
  }
  if (out.length === 0 && !cooling) throw providersUnavailable(label, eligible.map((c) => c.target.health), now);
  if (order && out.length > 1) order(out);
  if (cooling) {
    cooling.sort((a, b) => a.target.health.coolingMs(now) - b.target.health.coolingMs(now));
    for (const c of cooling) out.push(c);
  }
  return out;
}
