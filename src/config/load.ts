/**
 * Finds, reads and validates the config once at startup.
 * Lookup: `--config FILE`, else `./ai-gateway-config.yaml`, else the embedded default.
 */
import { readFile, access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { configSchema, type GatewayConfig } from './schema.js';
import { applyEnvOverrides } from './env-overrides.js';
import { ConfigError, describeIssues } from './errors.js';

export const DEFAULT_CONFIG_FILE = 'ai-gateway-config.yaml';

export interface LoadedConfig {
  config: GatewayConfig;
  /** File path, or `embedded default`. */
  source: string;
  /** True when no file was found and the embedded default is in use. */
  embedded: boolean;
  /** Keys set from `AI_GATEWAY__…` variables. */
  envOverrides: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function locateConfig(explicit: string | undefined, cwd: string): Promise<string | undefined> {
  if (explicit) return resolve(cwd, explicit);
  const local = resolve(cwd, DEFAULT_CONFIG_FILE);
  return (await exists(local)) ? local : undefined;
}

export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv): Omit<LoadedConfig, 'embedded'> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`), source);
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(['(top level): expected a mapping of keys such as "server", "providers", "routers"'], source);
  }
  return validate(raw as Record<string, unknown>, source, env);
}

function validate(raw: Record<string, unknown>, source: string, env: NodeJS.ProcessEnv): Omit<LoadedConfig, 'embedded'> {
  const envOverrides = applyEnvOverrides(raw, env);
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(configSchema, result.error), source);
  return { config: result.data, source, envOverrides };
}

export async function loadConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const path = await locateConfig(explicit, cwd);
  if (!path) return { ...validate({}, 'embedded default', env), embedded: true };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([`cannot read config: ${reason}`], path);
  }
  return { ...parseConfigText(text, path, env), embedded: false };
}
