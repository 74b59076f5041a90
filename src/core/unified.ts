/**
 * The unified API (`/ai`): the model names its provider, `provider/model`, split at the first
 * `/`. The model itself is not checked against any list, so new models work on day one.
 * A bare model name is accepted when the providers' lists say who serves it; those providers
 * are then tried in list order (fallback). Provider health is the same as the routers'.
 */
import type { CompiledGateway, ProviderEntry } from '../config/compile.js';
import { credentialIdOf, type CredentialStatus } from '../secrets/credential-store.js';
import { TargetStats } from './balance/target-stats.js';
import { BoundedCache } from './bounded-cache.js';
import type { Clock } from './clock.js';
import { GatewayError } from './gateway-error.js';
import { selectAvailable } from './select-candidates.js';
import type { Candidate, RouterTarget } from './router.js';
import { retryPolicy, type RetryPolicy } from './retry-policy.js';
import type { RouteTimeouts } from './route-timeouts.js';
import { suggestKey } from '../config/errors.js';
import type { RetriesConfig } from '../config/schema.js';

const LABEL = '/ai';

export class UnifiedApi {
  private readonly targets = new Map<string, RouterTarget>();
  private readonly missing = new Map<string, string[]>();
  private readonly resolved = new BoundedCache<string, Candidate[]>(512);
  private readonly clock: Clock;
  readonly label = LABEL;
  readonly retries: RetriesConfig | undefined;
  readonly policy: RetryPolicy;
  readonly timeouts: RouteTimeouts;

  constructor(private readonly compiled: CompiledGateway) {
    const { discover } = compiled.config;
    this.clock = compiled.clock;
    this.retries = compiled.config['unified-api']?.retries;
    this.policy = retryPolicy(this.retries);
    this.timeouts = compiled.timeouts;
    for (const [name, entry] of compiled.providers) {
      const status = compiled.credentials.status(name) as CredentialStatus;
      if (!status.found) {
        this.missing.set(name, status.missing);
        continue;
      }
      this.targets.set(name, {
        provider: entry.runtime,
        credentials: status.credentials,
        credentialId: credentialIdOf(status),
        weight: 1,
        stats: new TargetStats(discover['default-rtt'], discover['discover-decay'], this.clock),
        health: compiled.health.for(entry.runtime),
        served: entry.served,
      });
    }
  }

  /** Providers with credentials, for `/ai/models`. */
  available(): ProviderEntry[] {
    return [...this.targets.keys()].map((name) => this.compiled.providers.get(name) as ProviderEntry);
  }

  candidates(model: string): readonly Candidate[] {
    let all = this.resolved.get(model);
    if (!all) {
      all = this.resolve(model);
      this.resolved.set(model, all);
    }
    return selectAvailable(all, this.clock(), LABEL);
  }

  private resolve(model: string): Candidate[] {
    const slash = model.indexOf('/');
    if (slash <= 0) return this.bareModel(model);
    const provider = model.slice(0, slash);
    const upstreamModel = model.slice(slash + 1);
    const target = this.targets.get(provider);
    if (target) return [{ target, model: upstreamModel }];
    const missing = this.missing.get(provider);
    if (missing) throw missingKey(provider, missing);
    // `meta-llama/Llama-3` style ids whose prefix is no provider: try the bare-name lookup.
    const found = this.bareModelOrUndefined(model);
    if (found) return found;
    const suggestion = suggestKey(provider, [...this.compiled.providers.keys()]);
    throw new GatewayError({
      status: 400,
      code: 'unknown_provider',
      param: 'model',
      message: `Unknown provider "${provider}" in model "${model}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Use "provider/model" with one of: ${[...this.compiled.providers.keys()].join(', ')}.`,
    });
  }

  private bareModelOrUndefined(model: string): Candidate[] | undefined {
    const serving = [...this.compiled.providers.values()].filter((e) => e.served.has(model));
    const usable = serving.filter((e) => this.targets.has(e.runtime.name));
    if (usable.length > 0) return usable.map((e) => ({ target: this.targets.get(e.runtime.name) as RouterTarget, model }));
    if (serving.length > 0) {
      const first = serving[0].runtime.name;
      throw missingKey(first, this.missing.get(first) ?? []);
    }
    return undefined;
  }

  private bareModel(model: string): Candidate[] {
    const found = this.bareModelOrUndefined(model);
    if (found) return found;
    throw new GatewayError({
      status: 400,
      code: 'model_not_found',
      param: 'model',
      message: `On /ai the model names its provider: use "provider/model", e.g. "openai/${model}" (no provider is known to serve "${model}").`,
    });
  }
}

export function missingKey(provider: string, missing: string[]): GatewayError {
  return new GatewayError({
    status: 400,
    code: 'provider_credentials_missing',
    message: `No credentials for provider "${provider}": set ${missing.join(' and ')} in the gateway's environment or .env and restart it.`,
  });
}
