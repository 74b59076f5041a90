/**
 * Config keys the gateway accepts (so Helicone files load unchanged) but does not act on yet.
 * Each one that is set is named at startup and by `check`: nothing is ignored silently.
 */
import type { GatewayConfig } from './schema.js';

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent', 'off']);

const TOP_LEVEL: Array<[string, (c: GatewayConfig) => unknown]> = [
  ['cache-store', (c) => c['cache-store']],
  ['rate-limit-store', (c) => c['rate-limit-store']],
  ['global', (c) => c.global],
  ['unified-api', (c) => c['unified-api']?.cache ?? c['unified-api']?.['rate-limit']],
  ['helicone', (c) => c.helicone],
  ['deployment-target', (c) => c['deployment-target']],
  ['control-plane', (c) => c['control-plane']],
  ['database', (c) => c.database],
  ['minio', (c) => c.minio],
  // Logs are JSON lines on stdout; other formats come later.
  ['telemetry.format', (c) => (c.telemetry.format === 'json' ? undefined : c.telemetry.format)],
  // These shape the exported traces (observability/tracing), so they act only with `exporter: otlp | both`.
  ['telemetry.otlp-endpoint', (c) => (exportsTraces(c) ? undefined : c.telemetry['otlp-endpoint'])],
  ['telemetry.service-name', (c) => (exportsTraces(c) ? undefined : c.telemetry['service-name'])],
  ['telemetry.propagate', (c) => (exportsTraces(c) ? undefined : c.telemetry.propagate)],
];

function exportsTraces(c: GatewayConfig): boolean {
  return c.telemetry.exporter === 'otlp' || c.telemetry.exporter === 'both';
}

/**
 * `telemetry.level` is an env-filter (`info,ai_gateway=debug`): the gateway applies its default
 * level only, so per-module directives are named.
 */
function levelDirectives(level: string): string | undefined {
  const parts = level.split(',').map((p) => p.trim()).filter(Boolean);
  const ignored = parts.filter((p, i) => i > 0 || !LOG_LEVELS.has(p.toLowerCase()));
  return ignored.length > 0 ? `telemetry.level module directives (${ignored.join(', ')})` : undefined;
}

export function notActedOn(config: GatewayConfig): string[] {
  const keys = TOP_LEVEL.filter(([, get]) => get(config) != null).map(([key]) => key);
  const directives = levelDirectives(config.telemetry.level);
  if (directives) keys.push(directives);
  // `region` is Bedrock's; elsewhere it changes nothing.
  for (const [name, p] of Object.entries(config.providers)) {
    if (name !== 'bedrock' && p.region !== undefined) keys.push(`providers.${name}.region`);
    // `project` and `location` are Vertex's.
    if (name !== 'vertex') for (const key of ['project', 'location'] as const) if (p[key] !== undefined) keys.push(`providers.${name}.${key}`);
  }
  for (const [id, r] of Object.entries(config.routers)) {
    for (const key of ['cache', 'rate-limit'] as const) if (r[key] !== undefined) keys.push(`routers.${id}.${key}`);
    for (const key of ['image', 'audio'] as const) if (r['load-balance']?.[key] !== undefined) keys.push(`routers.${id}.load-balance.${key}`);
  }
  return keys;
}
