/**
 * A router: its targets (provider, or provider+model), a strategy, the model mapping that decides
 * which targets can serve a requested model, its retry policy and timeouts. `candidates()`
 * returns the order in which one request tries targets: the strategy's pick first, then
 * fallbacks — only targets whose provider health admits requests right now.
 *
 * Model rules for provider strategies (`latency`, `weighted`):
 * - `provider/model` naming one of the router's providers pins that provider.
 * - A bare model goes to each provider that serves it, and to the others through the mapping
 *   (the router's `model-mappings`, else the default one): the first equivalent listed for that
 *   provider is sent, else the first equivalent its `models` list contains. A provider with no
 *   equivalent is left out for this request.
 * - A model no provider list and no mapping mentions is new: it goes to every provider unchanged.
 * Model strategies (`model-latency`, `model-weighted`) send their configured models: a request
 * naming one of them (bare or `provider/model`) goes to the targets of that model name, any
 * other model lets the strategy choose among all of them.
 */
import type { Credentials, ProviderRuntime } from '../providers/types.js';
import type { Random, Strategy } from './balance/strategy.js';
import type { TargetStats } from './balance/target-stats.js';
import { BoundedCache } from './bounded-cache.js';
import { systemClock, type Clock } from './clock.js';
import { GatewayError } from './gateway-error.js';
import type { ProviderHealth } from './health/provider-health.js';
import { selectAvailable } from './select-candidates.js';
import { ModelSet, baseModelName } from './model-names.js';
import { retryPolicy, type RetryPolicy } from './retry-policy.js';
import { resolveTimeouts, type RouteTimeouts } from './route-timeouts.js';
import type { RetriesConfig } from '../config/schema.js';

export interface RouterTarget {
  readonly provider: ProviderRuntime;
  readonly credentials: Credentials;
  /** Set for model-latency / model-weighted targets: this model is always sent. */
  readonly fixedModel?: string;
  /** Normalised share for the weighted strategies. */
  readonly weight: number;
  readonly stats: TargetStats;
  /** Shared with every route that uses the same upstream. */
  readonly health: ProviderHealth;
  /** Models the provider serves, compiled for lookups. */
  readonly served: ModelSet;
}

export interface UnavailableTarget {
  provider: string;
  /** Variables to set. */
  missing: string[];
}

export interface Candidate {
  readonly target: RouterTarget;
  /** Model id to send upstream. */
  readonly model: string;
}

export interface RouterOptions {
  id: string;
  strategy: Strategy;
  targets: RouterTarget[];
  unavailable: UnavailableTarget[];
  /** `model → [provider/model, …]`: the router's own mapping, else the default one. */
  mapping: Record<string, string[]>;
  retries?: RetriesConfig;
  timeouts?: RouteTimeouts;
  /** Every model some configured provider lists: such a model is not "new". */
  catalog?: ModelSet;
  /** Every configured provider name: `name/…` with one the router lacks is refused, not passed on. */
  providerNames?: ReadonlySet<string>;
  random?: Random;
  clock?: Clock;
}

const CACHE_SIZE = 512;

function missingCredentialsError(router: string, unavailable: readonly UnavailableTarget[]): GatewayError {
  const list = unavailable.map((u) => `${u.provider} (set ${u.missing.join(' and ')})`).join(', ');
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'provider_credentials_missing',
    message: `Router "${router}" has no provider with credentials: ${list}. Set the variable in the gateway's environment or .env and restart it.`,
  });
}

export class Router {
  readonly id: string;
  readonly strategy: Strategy;
  readonly targets: readonly RouterTarget[];
  readonly unavailable: readonly UnavailableTarget[];
  readonly retries: RetriesConfig | undefined;
  readonly policy: RetryPolicy;
  readonly timeouts: RouteTimeouts;
  readonly label: string;
  readonly clock: Clock;
  private readonly mapping: Map<string, string[]>;
  private readonly random: Random;
  private readonly providerNames: Set<string>;
  private readonly allProviders: ReadonlySet<string>;
  /** Every model some target serves or the mapping mentions: anything else is "new" and passes through. */
  private readonly knownModels: ModelSet;
  private readonly catalog: ModelSet | undefined;
  /** Eligible candidates per requested model, before health and ordering. */
  private readonly eligibleCache = new BoundedCache<string, Candidate[]>(CACHE_SIZE);

  constructor(options: RouterOptions) {
    this.id = options.id;
    this.label = `Router "${options.id}"`;
    this.strategy = options.strategy;
    this.targets = options.targets;
    this.unavailable = options.unavailable;
    this.retries = options.retries;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.policy = retryPolicy(options.retries, this.random);
    this.timeouts = options.timeouts ?? resolveTimeouts({});
    this.catalog = options.catalog;
    this.mapping = new Map();
    for (const [model, equivalents] of Object.entries(options.mapping)) this.mapping.set(baseModelName(model), equivalents);
    this.providerNames = new Set([...options.targets.map((t) => t.provider.name), ...options.unavailable.map((u) => u.provider)]);
    this.allProviders = options.providerNames ?? this.providerNames;
    const known: string[] = [...Object.keys(options.mapping)];
    for (const t of options.targets) {
      if (t.fixedModel) known.push(t.fixedModel);
    }
    for (const equivalents of Object.values(options.mapping)) {
      for (const e of equivalents) known.push(e.slice(e.indexOf('/') + 1));
    }
    this.knownModels = new ModelSet(known);
  }

  /** Available targets able to serve `model`, in the order this request should try them. */
  candidates(model: string): readonly Candidate[] {
    if (this.targets.length === 0) throw missingCredentialsError(this.id, this.unavailable);
    let eligible = this.eligibleCache.get(model);
    if (!eligible) {
      eligible = this.eligible(model);
      this.eligibleCache.set(model, eligible);
    }
    return selectAvailable(eligible, this.clock(), this.label, this.orderFn);
  }

  private readonly orderFn = (healthy: Candidate[]): void => this.strategy.order(healthy, this.random, this.clock());

  private prefixOf(model: string): string | undefined {
    const slash = model.indexOf('/');
    return slash > 0 ? model.slice(0, slash) : undefined;
  }

  private eligible(model: string): Candidate[] {
    const prefix = this.prefixOf(model);
    if (prefix !== undefined && this.providerNames.has(prefix)) return this.pinned(model, prefix);
    if (prefix !== undefined && this.allProviders.has(prefix)) {
      throw new GatewayError({
        status: 400,
        code: 'model_not_available',
        param: 'model',
        message: `Router "${this.id}" does not use provider "${prefix}" (it uses ${[...this.providerNames].join(', ')}). Send a bare model name or "provider/model" with one of those, or use /ai.`,
      });
    }
    const fixed = this.targets.filter((t) => t.fixedModel);
    const out: Candidate[] = [];
    if (fixed.length > 0) {
      // Model strategies: the request's model narrows the set when it names some of them.
      const base = baseModelName(model);
      const named = fixed.filter((t) => baseModelName(t.fixedModel as string) === base);
      for (const target of named.length > 0 ? named : fixed) out.push({ target, model: target.fixedModel as string });
      return out;
    }
    const isNew = !this.knownModels.has(model) && !(this.catalog?.has(model) ?? false) && !this.targets.some((t) => t.served.has(model));
    for (const target of this.targets) {
      const mapped = isNew ? model : this.modelFor(target, model);
      if (mapped !== undefined) out.push({ target, model: mapped });
    }
    if (out.length === 0) {
      throw new GatewayError({
        status: 400,
        code: 'model_not_available',
        param: 'model',
        message: `Router "${this.id}" has no provider for model "${model}". Use a model one of its providers serves (${[...this.providerNames].join(', ')}), a "provider/model" name, or add a model-mappings entry for it.`,
      });
    }
    return out;
  }

  private pinned(model: string, provider: string): Candidate[] {
    const pinnedModel = model.slice(provider.length + 1);
    const out: Candidate[] = [];
    for (const t of this.targets) {
      if (t.provider.name !== provider) continue;
      if (t.fixedModel && baseModelName(t.fixedModel) !== baseModelName(pinnedModel)) continue;
      out.push({ target: t, model: t.fixedModel ?? pinnedModel });
    }
    if (out.length > 0) return out;
    const missing = this.unavailable.filter((u) => u.provider === provider);
    if (missing.length > 0) throw missingCredentialsError(this.id, missing);
    throw new GatewayError({
      status: 400,
      code: 'model_not_available',
      param: 'model',
      message: `Router "${this.id}" does not send "${pinnedModel}" to ${provider}; its models are ${this.targets.map((t) => `${t.provider.name}/${t.fixedModel}`).join(', ')}.`,
    });
  }

  /** The model `target` should be sent for `model`, or undefined when it has no equivalent. */
  private modelFor(target: RouterTarget, model: string): string | undefined {
    if (target.served.has(model)) return model;
    const equivalents = this.mapping.get(baseModelName(model));
    if (!equivalents) return undefined;
    const prefix = `${target.provider.name}/`;
    for (const e of equivalents) {
      if (e.startsWith(prefix)) return e.slice(prefix.length);
    }
    // An equivalent listed for another provider that this one serves too (OpenAI-compatible
    // servers and proxies carry other vendors' model names).
    for (const e of equivalents) {
      const name = e.slice(e.indexOf('/') + 1);
      if (target.served.has(name)) return name;
    }
    return undefined;
  }
}
