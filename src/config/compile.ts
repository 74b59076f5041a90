/**
 * Compiles a validated config into the immutable runtime: provider table, credentials,
 * routers with their strategies. Everything a request needs is resolved here, once.
 */
import { KNOWN_PROVIDERS, type AdapterKind } from './embedded/providers.js';
import { defaultModelMapping } from './embedded/model-mapping.js';
import type { GatewayConfig, BalanceStrategyConfig, ProviderConfig, RouterConfig } from './schema.js';
import { regionFromBedrockHost } from '../providers/bedrock/region-from-host.js';
import { vertexBaseUrl } from '../providers/vertex/vertex-paths.js';
import { notActedOn } from './not-acted-on.js';
import { ConfigError, suggestKey } from './errors.js';
import { alertProblems } from '../observability/alerts/validate.js';
import { CredentialStore, credentialIdOf, type CredentialStatus } from '../secrets/credential-store.js';
import type { Credentials, ProviderRuntime } from '../providers/types.js';
import { adapterFor } from '../providers/registry.js';
import { Router, type RouterTarget, type UnavailableTarget } from '../core/router.js';
import { TargetStats } from '../core/balance/target-stats.js';
import { latencyStrategy } from '../core/balance/latency.js';
import { weightedStrategy } from '../core/balance/weighted.js';
import type { Random, Strategy } from '../core/balance/strategy.js';
import { ModelSet } from '../core/model-names.js';
import { systemClock, type Clock } from '../core/clock.js';
import { HealthRegistry } from '../core/health/health-registry.js';
import { DEFAULT_HEALTH, type HealthSettings } from '../core/health/provider-health.js';
import { resolveTimeouts, type RouteTimeouts } from '../core/route-timeouts.js';

export interface ProviderEntry {
  runtime: ProviderRuntime;
  kind: AdapterKind;
  served: ModelSet;
}

export interface CompiledGateway {
  config: GatewayConfig;
  providers: Map<string, ProviderEntry>;
  credentials: CredentialStore;
  routers: Map<string, Router>;
  /** Provider health, shared by every router and `/ai`. */
  health: HealthRegistry;
  /** The gateway-wide upstream timeouts (`dispatcher`); routers may override them. */
  timeouts: RouteTimeouts;
  clock: Clock;
  /** Things the operator should know at startup (not errors). */
  warnings: string[];
  /** Config keys accepted for compatibility that the gateway does not act on yet. */
  notImplemented: string[];
}

function withSlash(url: string): URL {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed;
}

function bedrockBaseUrl(configured: string | undefined, region: string | undefined): string {
  if (configured) return configured;
  return region ? `https://bedrock-runtime.${region}.amazonaws.com/` : (KNOWN_PROVIDERS.bedrock.baseUrl as string);
}

/** Bedrock's region: `region`, else the one in the base-url host, else `AWS_REGION`. */
function bedrockRegion(custom: ProviderConfig | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return custom?.region?.trim() || regionFromBedrockHost(custom?.['base-url']) || env.AWS_REGION?.trim() || undefined;
}

/** Azure's resource URL when the config has none: the variable Azure's own SDKs read. */
function azureEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.AZURE_OPENAI_ENDPOINT?.trim();
  return value && URL.canParse(value) ? value : undefined;
}

/** Vertex's location: `location`, else `GOOGLE_CLOUD_LOCATION`, else `global` (Google's SDKs' default). */
function vertexLocation(custom: ProviderConfig | undefined, env: NodeJS.ProcessEnv): string {
  return custom?.location?.trim() || env.GOOGLE_CLOUD_LOCATION?.trim() || 'global';
}

/** Project ids, `domain.com:project` ids, and location names; they become part of URLs and a host name. */
const GOOGLE_PROJECT = /^[a-z][a-z0-9.:-]{0,127}$/;
const GOOGLE_LOCATION = /^[a-z][a-z0-9-]{0,62}$/;

function vertexPlace(custom: ProviderConfig | undefined, env: NodeJS.ProcessEnv, problems: string[]): { project?: string; location: string } {
  const location = vertexLocation(custom, env);
  const project = custom?.project?.trim() || env.GOOGLE_CLOUD_PROJECT?.trim() || undefined;
  if (!GOOGLE_LOCATION.test(location)) {
    const from = custom?.location?.trim() ? 'providers.vertex.location' : 'GOOGLE_CLOUD_LOCATION';
    problems.push(`${from}: "${location}" is not a Google Cloud location (like us-central1, europe-west4 or global)`);
  }
  if (project !== undefined && !GOOGLE_PROJECT.test(project)) {
    const from = custom?.project?.trim() ? 'providers.vertex.project' : 'GOOGLE_CLOUD_PROJECT';
    problems.push(`${from}: "${project}" is not a Google Cloud project id`);
  }
  return { project, location };
}

function buildProviders(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
): { entries: Map<string, ProviderEntry>; problems: string[]; warnings: string[] } {
  const entries = new Map<string, ProviderEntry>();
  const problems: string[] = [];
  const warnings: string[] = [];
  const names = new Set([...Object.keys(KNOWN_PROVIDERS), ...Object.keys(config.providers)]);
  for (const name of names) {
    const known = KNOWN_PROVIDERS[name];
    const custom = config.providers[name];
    if (!known && !custom?.['base-url']) {
      const suggestion = suggestKey(name, Object.keys(KNOWN_PROVIDERS));
      problems.push(
        `providers.${name}: unknown provider${suggestion ? ` — did you mean "${suggestion}"?` : ''}; a custom OpenAI-compatible provider needs a base-url`,
      );
      continue;
    }
    const kind: AdapterKind = known?.kind ?? 'openai-compatible';
    const region = kind === 'bedrock' ? bedrockRegion(custom, env) : custom?.region;
    const place = kind === 'vertex' ? vertexPlace(custom, env, problems) : undefined;
    const base =
      kind === 'bedrock'
        ? bedrockBaseUrl(custom?.['base-url'], region)
        : (custom?.['base-url'] ?? (kind === 'azure' ? azureEndpoint(env) : place ? vertexBaseUrl(place.location) : known.baseUrl));
    if (base === undefined) {
      // Azure has no shared host: without a resource URL the provider is absent, and naming it is a mistake.
      if (custom) problems.push(`providers.${name}: needs a base-url (https://<resource>.openai.azure.com) or AZURE_OPENAI_ENDPOINT`);
      continue;
    }
    if (kind !== 'azure' && (custom?.deployments || custom?.['api-version'])) {
      warnings.push(`providers.${name}: "deployments" and "api-version" are Azure OpenAI keys and are ignored here`);
    }
    const deployments = kind === 'azure' && custom?.deployments ? new Map(Object.entries(custom.deployments)) : undefined;
    const models = custom?.models ?? (deployments ? [...deployments.keys()] : undefined) ?? known?.models ?? [];
    const runtime: ProviderRuntime = {
      name,
      adapter: adapterFor(kind),
      baseUrl: withSlash(base),
      version: custom?.version ?? known?.version,
      region: region || undefined,
      project: place?.project,
      location: place?.location,
      models,
      deployments,
      apiVersion: kind === 'azure' ? custom?.['api-version'] : undefined,
    };
    entries.set(name, { runtime, kind, served: new ModelSet(models) });
  }
  return { entries, problems, warnings };
}

/** A router's own Bedrock base-url in another region signs for that region. */
function routerCredentials(credentials: Credentials, override: ProviderConfig | undefined): Credentials {
  if (credentials.kind !== 'aws' || !override) return credentials;
  const region = override.region?.trim() || regionFromBedrockHost(override['base-url']);
  return region && region !== credentials.region ? { ...credentials, region } : credentials;
}

function strategyFor(config: BalanceStrategyConfig): Strategy {
  return config.strategy.endsWith('weighted') ? weightedStrategy : latencyStrategy;
}

interface TargetSpec {
  provider: string;
  model?: string;
  weight: number;
  path: string;
}

function targetSpecs(balance: BalanceStrategyConfig, path: string): TargetSpec[] {
  switch (balance.strategy) {
    case 'latency':
    case 'balanced-latency':
    case 'provider-latency':
      return balance.providers.map((provider, i) => ({ provider, weight: 1, path: `${path}.providers[${i}]` }));
    case 'weighted':
    case 'provider-weighted':
      return balance.providers.map((p, i) => ({ provider: p.provider, weight: p.weight, path: `${path}.providers[${i}]` }));
    case 'model-latency':
      return balance.models.map((m, i) => splitModelSpec(m, 1, `${path}.models[${i}]`));
    case 'model-weighted':
      return balance.models.map((m, i) => splitModelSpec(m.model, m.weight, `${path}.models[${i}]`));
  }
}

function splitModelSpec(spec: string, weight: number, path: string): TargetSpec {
  const slash = spec.indexOf('/');
  return slash > 0 ? { provider: spec.slice(0, slash), model: spec.slice(slash + 1), weight, path } : { provider: '', model: spec, weight, path };
}

const DEFAULT_BALANCE: BalanceStrategyConfig = { strategy: 'latency', providers: ['openai', 'anthropic', 'gemini'] };

interface CompileContext {
  config: GatewayConfig;
  providers: Map<string, ProviderEntry>;
  credentials: CredentialStore;
  health: HealthRegistry;
  catalog: ModelSet;
  /** The embedded mapping with `default-model-mapping` merged in key by key. */
  defaultMapping: Record<string, string[]>;
  clock: Clock;
  random: Random | undefined;
  problems: string[];
  warnings: string[];
}

/**
 * `default-model-mapping` adds to the embedded mapping key by key, as Helicone merges its config
 * over the defaults: a user entry replaces that model's list only, every other entry stays.
 */
export function mergedDefaultMapping(config: GatewayConfig): Record<string, string[]> {
  return { ...defaultModelMapping(), ...config['default-model-mapping'] };
}

function compileRouter(id: string, routerConfig: RouterConfig, ctx: CompileContext): Router | undefined {
  const path = `routers.${id}.load-balance.chat`;
  const balance = routerConfig['load-balance']?.chat ?? DEFAULT_BALANCE;
  const specs = targetSpecs(balance, path);
  const weights = specs.reduce((sum, s) => sum + s.weight, 0);
  if (specs.some((s) => !(s.weight > 0))) ctx.problems.push(`${path}: weights must be positive numbers`);
  else if (balance.strategy.endsWith('weighted') && Math.abs(weights - 1) > 1e-9) {
    ctx.warnings.push(`router "${id}": weights sum to ${weights}, not 1; they are normalised`);
  }
  const retries = routerConfig.retries;
  if (retries?.strategy === 'exponential') {
    if (retries['min-delay'] > retries['max-delay']) ctx.problems.push(`routers.${id}.retries: min-delay is longer than max-delay`);
    if (!(retries.factor >= 1)) ctx.problems.push(`routers.${id}.retries.factor: must be at least 1, got ${retries.factor}`);
  }
  const { discover } = ctx.config;
  const targets: RouterTarget[] = [];
  const unavailable: UnavailableTarget[] = [];
  for (const spec of specs) {
    if (!spec.provider) {
      ctx.problems.push(`${spec.path}: expected "provider/model", got "${spec.model}"`);
      continue;
    }
    const entry = ctx.providers.get(spec.provider);
    if (!entry && KNOWN_PROVIDERS[spec.provider]) {
      ctx.problems.push(`${spec.path}: provider "${spec.provider}" needs providers.${spec.provider}.base-url (its resource URL)`);
      continue;
    }
    if (!entry) {
      const suggestion = suggestKey(spec.provider, [...ctx.providers.keys()]);
      ctx.problems.push(`${spec.path}: unknown provider "${spec.provider}"${suggestion ? ` — did you mean "${suggestion}"?` : ''}`);
      continue;
    }
    const status = ctx.credentials.status(spec.provider) as CredentialStatus;
    if (!status.found) {
      if (!unavailable.some((u) => u.provider === spec.provider)) unavailable.push({ provider: spec.provider, missing: status.missing });
      continue;
    }
    const override = routerConfig.providers?.[spec.provider];
    const runtime: ProviderRuntime = override?.['base-url']
      ? { ...entry.runtime, baseUrl: withSlash(override['base-url']), version: override.version ?? entry.runtime.version }
      : entry.runtime;
    targets.push({
      provider: runtime,
      credentials: routerCredentials(status.credentials, override),
      credentialId: credentialIdOf(status),
      fixedModel: spec.model,
      weight: weights > 0 ? spec.weight / weights : 1,
      stats: new TargetStats(discover['default-rtt'], discover['discover-decay'], ctx.clock),
      health: ctx.health.for(runtime),
      served: entry.served,
    });
  }
  for (const u of unavailable) {
    ctx.warnings.push(
      targets.length > 0
        ? `router "${id}": provider ${u.provider} left out of selection — no credentials (set ${u.missing.join(' and ')})`
        : `router "${id}": no provider has credentials; its requests will fail until you set ${unavailable.map((x) => x.missing.join(' and ')).join(' or ')}`,
    );
  }
  // Helicone's rule: a router's model-mappings replaces the default mapping for that router.
  const mapping = routerConfig['model-mappings'] ?? ctx.defaultMapping;
  return new Router({
    id,
    strategy: strategyFor(balance),
    targets,
    unavailable,
    mapping,
    retries: routerConfig.retries,
    timeouts: resolveTimeouts(ctx.config.dispatcher, routerConfig.dispatcher),
    catalog: ctx.catalog,
    providerNames: new Set(ctx.providers.keys()),
    random: ctx.random,
    clock: ctx.clock,
  });
}

/** `discover.monitor.health` → settings. `interval` is the first ejection's length. */
function healthSettings(config: GatewayConfig, problems: string[]): HealthSettings {
  const h = config.discover.monitor.health;
  if (h.window / h.buckets < 1) problems.push('discover.monitor.health: window / buckets must be at least 1ms');
  if (!(h.ratio >= 0 && h.ratio <= 1)) problems.push(`discover.monitor.health.ratio: expected a number from 0 to 1, got ${h.ratio}`);
  return {
    ...DEFAULT_HEALTH,
    ratio: h.ratio,
    windowMs: h.window,
    buckets: h.buckets,
    minRequests: h['grace-period']['min-requests'],
    ejectMs: Math.max(1, h.interval),
    maxEjectMs: Math.max(h.interval, h.window),
  };
}

export interface CompileOptions {
  embedded: boolean;
  source: string;
  /** Injected for deterministic tests; defaults to a monotonic clock and Math.random. */
  clock?: Clock;
  random?: Random;
}

export function compileGateway(config: GatewayConfig, env: NodeJS.ProcessEnv, options: CompileOptions): CompiledGateway {
  const { entries, problems, warnings: providerWarnings } = buildProviders(config, env);
  const clock = options.clock ?? systemClock;
  const health = new HealthRegistry(healthSettings(config, problems), clock);
  if (!(config.discover['discover-decay'] > 0)) problems.push('discover.discover-decay: must be longer than 0');
  const catalog = new ModelSet([...entries.values()].flatMap((e) => e.runtime.models));
  const credentials = new CredentialStore(
    [...entries.values()].map((e) => ({
      name: e.runtime.name,
      kind: e.kind,
      region: e.runtime.region,
      project: e.runtime.project,
      configured: config.providers[e.runtime.name] !== undefined,
      keyless: config.providers[e.runtime.name]?.['api-key'] === 'none',
    })),
    env,
  );
  const warnings: string[] = [...providerWarnings];
  let routerConfigs: Record<string, RouterConfig> = config.routers;
  if (options.embedded && Object.keys(routerConfigs).length === 0) {
    // The embedded default: one router over every provider whose credentials were found.
    const withKeys = [...entries.values()]
      .filter((e) => e.kind !== 'ollama' && credentials.status(e.runtime.name)?.found)
      .map((e) => e.runtime.name);
    routerConfigs = {
      default: { 'load-balance': { chat: { strategy: 'latency', providers: withKeys.length > 0 ? withKeys : ['ollama'] } } },
    };
    if (withKeys.length === 0) {
      const ollama = entries.get('ollama')?.runtime.baseUrl.href;
      warnings.push(
        `no provider keys found: router "default" uses Ollama at ${ollama}; set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, … (environment or .env) to use hosted providers`,
      );
    }
  }
  const routers = new Map<string, Router>();
  const defaultMapping = mergedDefaultMapping(config);
  for (const [id, routerConfig] of Object.entries(routerConfigs)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      problems.push(`routers.${id}: a router id is 1–64 characters of letters, digits, "-" and "_"`);
      continue;
    }
    const router = compileRouter(id, routerConfig, {
      config,
      providers: entries,
      credentials,
      health,
      catalog,
      defaultMapping,
      clock,
      random: options.random,
      problems,
      warnings,
    });
    if (router) routers.set(id, router);
  }
  if (config.alerts) problems.push(...alertProblems(config.alerts, { providers: entries.keys(), routers: Object.keys(routerConfigs) }));
  if (problems.length > 0) throw new ConfigError(problems, options.source);
  const notImplemented = notActedOn(config);
  const timeouts = resolveTimeouts(config.dispatcher);
  return { config, providers: entries, credentials, routers, health, timeouts, clock, warnings, notImplemented };
}
