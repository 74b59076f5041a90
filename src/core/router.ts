/**
 * A router: its targets (provider, or provider+model), a strategy, the model mapping that decides
 * which targets can serve a requested model, its retry policy and timeouts. `candidates()`
 * returns the order in which one request tries targets: the strategy's pick first, then
 * fallbacks — only targets whose provider health admits requests right now.
 *
 * Model rules for provider strategies (`latency`, `weighted`), Helicone's semantics:
 * - `provider/model` (a configured provider's name) is the *source model*, not a pin: the
 *   strategy still chooses among the router's providers. That provider is sent the model as
 *   written; each other provider gets it if it serves it, else its equivalent from the mapping,
 *   else is left out for this request. (To pin a provider, use `/ai`.)
 * - A bare model goes to each provider that serves it, and to the others through the mapping
 *   (the router's `model-mappings`, else the default one): the first equivalent listed for that
 *   provider is sent, else the first equivalent its `models` list contains. A provider with no
 *   equivalent is left out for this request.
 * - A bare model no provider list and no mapping mentions is new: it goes to every provider
 *   unchanged. A new `provider/model` goes to that provider only.
 * Model strategies send their configured models: `model-weighted` always chooses among all of
 * them by weight (the request's model does not narrow it, as in Helicone); `model-latency` sends
 * a request naming one of its model names (bare or `provider/model`) to the targets of that name,
 * any other model to all of them.
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
  /** Which credential this is, for events and logs (`env:OPENAI_API_KEY`); never the secret. */
  readonly credentialId?: string;
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
    const source = prefix !== undefined && this.allProviders.has(prefix) ? prefix : undefined;
    const sourceModel = source !== undefined ? model.slice(source.length + 1) : model;
    const fixed = this.targets.filter((t) => t.fixedModel);
    if (fixed.length > 0) return this.fixedCandidates(fixed, sourceModel);
    const isNew =
      source === undefined &&
      !this.knownModels.has(model) &&
      !(this.catalog?.has(model) ?? false) &&
      !this.targets.some((t) => t.served.has(model));
    const out: Candidate[] = [];
    for (const target of this.targets) {
      const mapped = isNew || target.provider.name === source ? sourceModel : this.modelFor(target, sourceModel);
      if (mapped !== undefined) out.push({ target, model: mapped });
    }
    if (out.length > 0) return out;
    const missing = this.unavailable.filter((u) => u.provider === source);
    if (missing.length > 0) throw missingCredentialsError(this.id, missing);
    throw new GatewayError({
      status: 400,
      code: 'model_not_available',
      param: 'model',
      message: `Router "${this.id}" has no provider for model "${model}": none of its providers (${[...this.providerNames].join(', ')}) serves it or has an equivalent in the model mapping. Use a model one of them serves, add a model-mappings entry for it, or use /ai to send it to its provider.`,
    });
  }

  /**
   * Model strategies. `model-weighted` (the weighted strategy here) ignores the request's model;
   * `model-latency` narrows to the targets whose model has the requested name.
   */
  private fixedCandidates(fixed: RouterTarget[], model: string): Candidate[] {
    const base = baseModelName(model);
    const named = this.strategy.name === 'weighted' ? [] : fixed.filter((t) => baseModelName(t.fixedModel as string) === base);
    return (named.length > 0 ? named : fixed).map((target) => ({ target, model: target.fixedModel as string }));
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
