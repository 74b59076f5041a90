/**
 * A router: its targets (provider, or provider+model), a strategy, and the model mapping that
 * decides which targets can serve a requested model. `candidates()` returns the order in which
 * one request tries targets: the strategy's pick first, then fallbacks.
 */
import type { Credentials, ProviderRuntime } from '../providers/types.js';
import type { Random, Strategy } from './balance/strategy.js';
import type { TargetStats } from './balance/target-stats.js';
import { GatewayError } from './gateway-error.js';
import { ModelSet, baseModelName } from './model-names.js';
import type { RetriesConfig } from '../config/schema.js';

export interface RouterTarget {
  readonly provider: ProviderRuntime;
  readonly credentials: Credentials;
  /** Set for model-latency / model-weighted targets: this model is always sent. */
  readonly fixedModel?: string;
  readonly weight: number;
  readonly stats: TargetStats;
  /** Models the provider serves, compiled for lookups. */
  readonly served: ModelSet;
}

export interface UnavailableTarget {
  provider: string;
  /** Variables to set. */
  missing: string[];
}

export interface Candidate {
  target: RouterTarget;
  /** Model id to send upstream. */
  model: string;
}

export interface RouterOptions {
  id: string;
  strategy: Strategy;
  targets: RouterTarget[];
  unavailable: UnavailableTarget[];
  /** `model → [provider/model, …]`: the router's own mapping, else the default one. */
  mapping: Record<string, string[]>;
  retries?: RetriesConfig;
  random?: Random;
}

function missingCredentialsError(router: string, unavailable: UnavailableTarget[]): GatewayError {
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
  private readonly mapping: Map<string, string[]>;
  private readonly random: Random;
  private readonly providerNames: Set<string>;
  /** Every model some target serves or the mapping mentions: anything else is "new" and passes through. */
  private readonly knownModels: ModelSet;

  constructor(options: RouterOptions) {
    this.id = options.id;
    this.strategy = options.strategy;
    this.targets = options.targets;
    this.unavailable = options.unavailable;
    this.retries = options.retries;
    this.random = options.random ?? Math.random;
    this.mapping = new Map();
    for (const [model, equivalents] of Object.entries(options.mapping)) this.mapping.set(baseModelName(model), equivalents);
    this.providerNames = new Set([...options.targets.map((t) => t.provider.name), ...options.unavailable.map((u) => u.provider)]);
    const known: string[] = [...Object.keys(options.mapping)];
    for (const t of options.targets) {
      if (t.fixedModel) known.push(t.fixedModel);
    }
    for (const equivalents of Object.values(options.mapping)) {
      for (const e of equivalents) known.push(e.slice(e.indexOf('/') + 1));
    }
    this.knownModels = new ModelSet(known);
  }

  /** Targets able to serve `model`, in the order this request should try them. */
  candidates(model: string): Candidate[] {
    if (this.targets.length === 0) throw missingCredentialsError(this.id, [...this.unavailable]);
    const eligible = this.eligible(model);
    if (eligible.length === 0) {
      const pinned = this.pinnedProvider(model);
      if (pinned && this.unavailable.some((u) => u.provider === pinned)) {
        throw missingCredentialsError(this.id, this.unavailable.filter((u) => u.provider === pinned));
      }
      throw new GatewayError({
        status: 400,
        code: 'model_not_available',
        param: 'model',
        message: `Router "${this.id}" has no provider for model "${model}". Use a model one of its providers serves (${[...this.providerNames].join(', ')}), a "provider/model" name, or add a model-mappings entry for it.`,
      });
    }
    const ordered = this.strategy.order(
      eligible.map((e) => e.target),
      this.random,
    );
    return ordered.map((target) => eligible.find((e) => e.target === target) as Candidate);
  }

  private pinnedProvider(model: string): string | undefined {
    const slash = model.indexOf('/');
    if (slash <= 0) return undefined;
    const prefix = model.slice(0, slash);
    return this.providerNames.has(prefix) ? prefix : undefined;
  }

  private eligible(model: string): Candidate[] {
    const pinned = this.pinnedProvider(model);
    if (pinned) {
      const pinnedModel = model.slice(pinned.length + 1);
      return this.targets
        .filter((t) => t.provider.name === pinned && (!t.fixedModel || baseModelName(t.fixedModel) === baseModelName(pinnedModel)))
        .map((target) => ({ target, model: target.fixedModel ?? pinnedModel }));
    }
    const fixed = this.targets.filter((t) => t.fixedModel);
    if (fixed.length > 0) {
      // Model strategies: the request's model narrows the set when it names some of them.
      const base = baseModelName(model);
      const named = fixed.filter((t) => baseModelName(t.fixedModel as string) === base);
      return (named.length > 0 ? named : fixed).map((target) => ({ target, model: target.fixedModel as string }));
    }
    const isNew = !this.knownModels.has(model) && !this.targets.some((t) => t.served.has(model));
    const out: Candidate[] = [];
    for (const target of this.targets) {
      const mapped = isNew ? model : this.modelFor(target, model);
      if (mapped !== undefined) out.push({ target, model: mapped });
    }
    return out;
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
    return undefined;
  }
}
