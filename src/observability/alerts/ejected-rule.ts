/**
 * `provider-ejected: {provider: any | <name>}`: a provider taken out of rotation after errors
 * (the bus's `health` event with state `ejected`). Each provider is its own incident: the
 * cooldown is per rule and provider. A trial request that fails again is the same ejection and
 * the bus does not report it.
 */
import type { HealthChanged } from '../../core/pipeline-events.js';
import { isoSeconds } from './periods.js';
import type { Alert } from './types.js';

export class EjectedRule {
  constructor(
    readonly name: string,
    private readonly provider: string,
  ) {}

  observe(event: HealthChanged, now: number): Alert | undefined {
    if (event.state !== 'ejected' || (this.provider !== 'any' && this.provider !== event.provider)) return undefined;
    return {
      rule: this.name,
      condition: 'provider-ejected',
      describes: this.provider === 'any' ? 'any provider ejected' : `provider ${this.provider} ejected`,
      value: null,
      threshold: null,
      scope: `provider=${event.provider}`,
      scopeKey: event.provider,
      window: null,
      time: now,
      text: `${this.name}: provider ${event.provider} was ejected (taken out of rotation after errors; trial requests will re-admit it), at ${isoSeconds(now)}`,
      extra: { provider: event.provider },
    };
  }
}
