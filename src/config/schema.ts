/**
 * The config file schema: Helicone AI Gateway's format (kebab-case), plus a few keys of ours.
 * Most objects are strict so a typo is reported with its path and the closest valid key. The
 * sections where Helicone ignores unknown keys (`routers.<id>`, `retries`, `providers.<p>`,
 * `response-headers`, `dispatcher`) are lenient here too: an unknown key there is a startup
 * warning (see unknown-keys.ts), and `ai-gateway check --strict` fails on it.
 * Validated once at startup; requests never touch this module.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../upstream/response-limit.js';

/** A humantime string (`30s`) or a number of seconds, turned into milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a duration such as "500ms", "30s" or "5m", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

/** Helicone writes decimals as strings (`'0.25'`); accept both. */
const decimal = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a number, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});

const url = z.string().url();

/** Sections we accept for Helicone compatibility without acting on all of their keys yet. */
const accepted = z.record(z.unknown());

/** `api-key: none`: the provider needs no credential (vLLM, llama.cpp, LM Studio). Keys live in the environment only. */
const apiKey = z.string().transform((value, ctx) => {
  if (value.trim().toLowerCase() === 'none') return 'none' as const;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: 'only "none" is accepted here (a provider that needs no key); put keys in the environment or .env, never in the config file',
  });
  return z.NEVER;
});

/** Lenient (Helicone ignores unknown keys here): unknown keys are warned about, not fatal. */
const providerConfig = z.object({
  'base-url': url.optional(),
  models: z.array(z.string()).optional(),
  version: z.string().optional(),
  region: z.string().optional(),
  /** Vertex AI: Google Cloud project and location (else GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION). */
  project: z.string().optional(),
  location: z.string().optional(),
  'api-key': apiKey.optional(),
  /** Azure OpenAI: model → deployment name; with it, requests use deployment paths. */
  deployments: z.record(z.string().min(1)).optional(),
  /** Azure OpenAI: the `api-version` query of deployment paths. */
  'api-version': z.string().min(1).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfig>;

const weightedProvider = z.object({ provider: z.string(), weight: decimal }).strict();
const weightedModel = z.object({ model: z.string(), weight: decimal }).strict();

const balanceStrategy = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('latency'), providers: z.array(z.string()).min(1) }).strict(),
  // Helicone's own name for `latency` (its serialised form).
  z.object({ strategy: z.literal('balanced-latency'), providers: z.array(z.string()).min(1) }).strict(),
  z.object({ strategy: z.literal('provider-latency'), providers: z.array(z.string()).min(1) }).strict(),
  z.object({ strategy: z.literal('weighted'), providers: z.array(weightedProvider).min(1) }).strict(),
  z.object({ strategy: z.literal('provider-weighted'), providers: z.array(weightedProvider).min(1) }).strict(),
  z.object({ strategy: z.literal('model-latency'), models: z.array(z.string()).min(1) }).strict(),
  z.object({ strategy: z.literal('model-weighted'), models: z.array(weightedModel).min(1) }).strict(),
]);
export type BalanceStrategyConfig = z.infer<typeof balanceStrategy>;

/** Helicone's `max-retries` is a u8. */
const maxRetries = z.number().int().min(0).max(255).default(2);

/** Lenient, as in Helicone. */
const retries = z.discriminatedUnion('strategy', [
  z.object({
    strategy: z.literal('exponential'),
    'min-delay': duration.default('1s'),
    'max-delay': duration.default('30s'),
    'max-retries': maxRetries,
    factor: decimal.default(2),
  }),
  z.object({
    strategy: z.literal('constant'),
    delay: duration.default('1s'),
    'max-retries': maxRetries,
  }),
]);
export type RetriesConfig = z.infer<typeof retries>;

/** Upstream timeouts (see core/route-timeouts.ts); a router's block overrides key by key. Lenient, as in Helicone. */
const timeouts = z.object({
  /** The whole request: every attempt, backoff wait and the full response. */
  timeout: duration.optional(),
  /** Helicone's spelling (its dispatcher struct is snake_case). */
  connection_timeout: duration.optional(),
  'connection-timeout': duration.optional(),
  /** Ours: per attempt, until the response starts. */
  'first-byte-timeout': duration.optional(),
  /** Ours: the same for streaming requests (default 60s). */
  'stream-first-byte-timeout': duration.optional(),
});

/** Ours, gateway-wide only (pools are per provider origin, shared by every router): see upstream/pool-gate.ts. */
const upstreamPool = {
  'max-connections': z.number().int().min(1).max(65_536).optional(),
  'max-queued': z.number().int().min(0).max(1_000_000).optional(),
  'queue-timeout': duration.optional(),
};

/** Lenient, as in Helicone. */
const router = z.object({
  'load-balance': z
    .object({ chat: balanceStrategy.optional(), image: accepted.optional(), audio: accepted.optional() })
    .strict()
    .optional(),
  'model-mappings': z.record(z.array(z.string())).optional(),
  cache: accepted.optional(),
  retries: retries.optional(),
  'rate-limit': accepted.optional(),
  providers: z.record(providerConfig).optional(),
  dispatcher: timeouts.optional(),
});
export type RouterConfig = z.infer<typeof router>;

const middleware = z
  .object({ cache: accepted.optional(), 'rate-limit': accepted.optional(), retries: retries.optional() })
  .strict();

/** Passive outlier detection per provider (see core/health/provider-health.ts). */
const health = z
  .object({
    type: z.literal('error-ratio').default('error-ratio'),
    /** Eject when errors / requests in the window exceed this. */
    ratio: decimal.default(0.1),
    window: duration.default('60s'),
    buckets: z.number().int().min(1).max(1000).default(10),
    /** How long an ejection lasts before the first trial request (doubling, capped at window). */
    interval: duration.default('5s'),
    'grace-period': z.object({ 'min-requests': z.number().int().min(0).default(20) }).strict().default({}),
  })
  .strict();

const tlsFiles = z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict();

/** `server.tls`: Helicone's `Disabled` / `{Enabled: {cert, key}}`, or plainly `{cert, key}` (PEM file paths). */
const tlsSetting = z
  .unknown()
  .optional()
  .transform((value, ctx): z.infer<typeof tlsFiles> | undefined => {
    if (value === undefined || value === 'Disabled') return undefined;
    const helicone = typeof value === 'object' && value !== null && 'Enabled' in value;
    const parsed = tlsFiles.safeParse(helicone ? (value as { Enabled: unknown }).Enabled : value);
    if (parsed.success) return parsed.data;
    const { issues } = parsed.error;
    const issue = issues.find((i) => i.code === z.ZodIssueCode.unrecognized_keys) ?? issues[0];
    const detail = issue.code === z.ZodIssueCode.unrecognized_keys ? `unknown key "${issue.keys[0]}"` : issue.path.length > 0 ? `"${issue.path.join('.')}" ${issue.message.toLowerCase()}` : `got ${JSON.stringify(value)}`;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected {cert, key} (PEM file paths), {Enabled: {cert, key}} or "Disabled"; ${detail}` });
    return z.NEVER;
  });

/** USD per million tokens of each kind; `input` and `output` are required, the rest fall back to them. */
const modelPrice = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    'cached-input': z.number().min(0).optional(),
    'cache-write': z.number().min(0).optional(),
    reasoning: z.number().min(0).optional(),
  })
  .strict();

/** `alerts.rules[]`: exactly one condition per rule. */
const alertScope = {
  provider: z.string().min(1).optional(),
  'provider-key': z.string().min(1).optional(),
  router: z.string().min(1).optional(),
  'gateway-key': z.string().min(1).optional(),
};
const alertRule = z
  .object({
    name: z.string().min(1),
    spend: z.object({ over: z.number().positive(), per: z.enum(['hour', 'day', 'week', 'month']), ...alertScope }).strict().optional(),
    'error-rate': z.object({ over: z.number().gt(0).max(1), window: duration.default('5m'), 'min-requests': z.number().int().min(1).default(10), ...alertScope }).strict().optional(),
    'provider-ejected': z.object({ provider: z.string().min(1).default('any') }).strict().optional(),
    notify: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .refine((r) => [r.spend, r['error-rate'], r['provider-ejected']].filter((c) => c !== undefined).length === 1, {
    message: 'a rule has exactly one condition: spend, error-rate or provider-ejected',
  });

export const configSchema = z
  .object({
    /** Ours: where the embedded database lives (a directory, relative to the working directory). */
    storage: z.object({ path: z.string().min(1).default('./ai-gateway-data/') }).strict().default({}),
    /** Ours: the audit log of every request and attempt. */
    audit: z
      .object({ enabled: z.boolean().default(true), retention: duration.default('30d'), bodies: z.boolean().default(false) })
      .strict()
      .default({}),
    /** Ours: per-model prices (USD per million tokens), over the shipped price table; keys `provider/model`. */
    pricing: z.record(modelPrice).default({}),
    /** Ours: Prometheus metrics at `/metrics`. */
    metrics: z.object({ enabled: z.boolean().default(true) }).strict().default({}),
    /** Ours: alert rules, delivered to webhooks. */
    alerts: z
      .object({
        webhooks: z.record(z.string().url()).default({}),
        cooldown: duration.default('15m'),
        rules: z.array(alertRule).default([]),
      })
      .strict()
      .optional(),
    telemetry: z
      .object({
        level: z.string().default('info'),
        // No default: set, it is named at startup as not acted on.
        'service-name': z.string().optional(),
        exporter: z.enum(['stdout', 'otlp', 'both']).default('stdout'),
        'otlp-endpoint': z.string().optional(),
        propagate: z.boolean().optional(),
        format: z.enum(['pretty', 'compact', 'json']).default('json'),
      })
      .strict()
      .default({}),
    server: z
      .object({
        address: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8080),
        tls: tlsSetting,
        'shutdown-timeout': duration.default('30s'),
        /** Ours: largest accepted request body. */
        'max-body-size': z.number().int().positive().default(32 * 1024 * 1024),
        /** Ours: request bodies being received, all requests together (see server/body-budget.ts). */
        'max-inflight-body-bytes': z.number().int().positive().default(128 * 1024 * 1024),
        /** Ours: until a request's headers have arrived (0 = no limit). */
        'header-timeout': duration.default('20s'),
        /** Ours: until the whole request, headers and body, has arrived (0 = no limit). */
        'body-timeout': duration.default('60s'),
        /** Ours: how long a client may leave a response unread while it is backpressured (0 = no limit). */
        'write-stall-timeout': duration.default('30s'),
        /** Ours: browser origins allowed to call the gateway; off when absent. */
        cors: z
          .object({ origins: z.array(z.string().min(1)).min(1), 'max-age': duration.default('10m') })
          .strict()
          .optional(),
        /** Ours: extra `Host` names accepted when listening on a loopback address. */
        'allowed-hosts': z.array(z.string().min(1)).optional(),
        /** Ours: processes sharing the port. */
        workers: z.number().int().min(1).max(64).default(1),
      })
      .strict()
      .default({}),
    dispatcher: timeouts
      .extend(upstreamPool)
      /** Ours, gateway-wide: largest upstream response held in memory (parsed bodies, one stream event). */
      .extend({ 'max-response-size': z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES) })
      .default({}),
    discover: z
      .object({
        'discover-decay': duration.default('30s'),
        'default-rtt': duration.default('250ms'),
        monitor: z.object({ health: health.default({}) }).strict().default({}),
      })
      .strict()
      .default({}),
    /** Lenient, as in Helicone. */
    'response-headers': z
      .object({ provider: z.boolean().default(true), 'provider-request-id': z.boolean().default(true) })
      .default({}),
    'deployment-target': z.unknown().optional(),
    'control-plane': z.unknown().optional(),
    helicone: z
      .object({
        'api-key': z.string().optional(),
        'base-url': z.string().optional(),
        'websocket-url': z.string().optional(),
        features: z.enum(['none', 'auth', 'observability', '__prompts', 'prompts', 'all']).optional(),
        authentication: z.boolean().optional(),
        observability: z.boolean().optional(),
        __prompts: z.boolean().optional(),
      })
      .strict()
      .optional(),
    providers: z.record(providerConfig).default({}),
    'default-model-mapping': z.record(z.array(z.string())).optional(),
    'cache-store': accepted.optional(),
    'rate-limit-store': accepted.optional(),
    global: middleware.optional(),
    'unified-api': middleware.optional(),
    routers: z.record(router).default({}),
    database: accepted.optional(),
    minio: accepted.optional(),
  })
  .strict();

export type GatewayConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
