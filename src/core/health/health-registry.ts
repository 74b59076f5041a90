/**
 * One ProviderHealth per upstream, created at startup and shared by every router and `/ai`.
 * An upstream is a provider name plus its base URL: a router that points a provider at another
 * base URL gets its own health, since it talks to another server.
 */
import type { ProviderRuntime } from '../../providers/types.js';
import type { Clock } from '../clock.js';
import { GatewayError } from '../gateway-error.js';
import { ProviderHealth, type HealthSettings } from './provider-health.js';

export class HealthRegistry {
  private readonly entries = new Map<string, ProviderHealth>();

  constructor(
    readonly settings: HealthSettings,
    readonly clock: Clock,
  ) {}

  for(provider: ProviderRuntime): ProviderHealth {
    const key = `${provider.name} ${provider.baseUrl.href}`;
    let health = this.entries.get(key);
    if (!health) {
      health = new ProviderHealth(provider.name, this.settings, this.clock);
      this.entries.set(key, health);
    }
    return health;
  }

  /** Every upstream's health (the metrics read it at scrape time). */
  all(): IterableIterator<ProviderHealth> {
    return this.entries.values();
  }
}

/**
 * The fast answer when every provider that could serve a request is ejected or cooling down:
 * 503 with `retry-after` set to the soonest re-admission.
 */
export function providersUnavailable(scope: string, healths: Iterable<ProviderHealth>, now: number): GatewayError {
  let wait = Number.POSITIVE_INFINITY;
  const parts: string[] = [];
  const seen = new Set<ProviderHealth>();
  for (const h of healths) {
    if (seen.has(h)) continue;
    seen.add(h);
    wait = Math.min(wait, h.waitMs(now));
    parts.push(h.describe(now));
  }
  const retryAfter = Math.max(1, Math.ceil((Number.isFinite(wait) ? wait : 1000) / 1000));
  return new GatewayError({
    status: 503,
    code: 'providers_unavailable',
    retryAfter,
    message: `${scope}: no provider can take the request right now (${parts.join('; ')}). Retry after ${retryAfter}s.`,
  });
}
