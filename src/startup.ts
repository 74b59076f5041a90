/**
 * Startup: `.env`, config, credentials, and the report an operator reads before the first
 * request — one line per provider, found (variable + fingerprint) or missing (what to set).
 */
import { loadDotEnv } from './secrets/dotenv.js';
import { configError, loadConfig, type LoadedConfig } from './config/load.js';
import { compileGateway, type CompiledGateway } from './config/compile.js';
import { ConfigError } from './config/errors.js';

export interface Startup {
  loaded: LoadedConfig;
  compiled: CompiledGateway;
  dotenvNames: string[];
}

export async function prepare(configPath: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<Startup> {
  const dotenvNames = await loadDotEnv(cwd, env);
  const loaded = await loadConfig(configPath, cwd, env);
  let compiled: CompiledGateway;
  try {
    compiled = compileGateway(loaded.config, env, { embedded: loaded.embedded, source: loaded.source });
  } catch (err) {
    if (err instanceof ConfigError) throw configError(err.problems, err.source, loaded.overrides);
    throw err;
  }
  // Unknown keys Helicone would ignore: the gateway starts, and says so.
  compiled.warnings.unshift(...loaded.unknownKeys);
  return { loaded, compiled, dotenvNames };
}

/** What `ai-gateway check --strict` fails on beyond `check`: keys that are ignored. */
export function strictProblems(startup: Startup): string[] {
  return startup.loaded.unknownKeys;
}

/** Providers worth a line: those used by a router, and every provider with credentials. */
export function credentialLines(compiled: CompiledGateway): string[] {
  const used = new Set<string>();
  for (const router of compiled.routers.values()) {
    for (const t of router.targets) used.add(t.provider.name);
    for (const u of router.unavailable) used.add(u.provider);
  }
  const lines: string[] = [];
  for (const [name, status] of compiled.credentials.entries()) {
    const kind = compiled.providers.get(name)?.kind;
    if (status.found) {
      const { credentials } = status;
      const detail =
        credentials.kind === 'oauth'
          ? `OAuth tokens from ${credentials.source}`
          : status.variables.length > 0
            ? `found ${status.variables.join(', ')} (${status.fingerprint})`
            : 'no key needed';
      if (used.has(name) || status.variables.length > 0 || kind === 'ollama' || credentials.kind === 'oauth') lines.push(`${name.padEnd(12)} ${detail}`);
    } else if (used.has(name)) {
      lines.push(`${name.padEnd(12)} MISSING — ${status.hint}`);
    } else {
      lines.push(`${name.padEnd(12)} not configured (${status.hint} to use it)`);
    }
  }
  return lines;
}

/** Routers that can serve nothing: `check` fails on these. */
export function deadRouters(compiled: CompiledGateway): string[] {
  return [...compiled.routers.values()].filter((r) => r.targets.length === 0).map((r) => r.id);
}
