/**
 * Finds, reads and validates the config once at startup.
 * Lookup: `--config FILE`, else `./ai-gateway-config.yaml`, else the embedded default.
 */
import { readFile, access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { configSchema, type GatewayConfig } from './schema.js';
import { applyEnvOverrides, attributeToVariables, type EnvOverride } from './env-overrides.js';
import { ConfigError, describeIssues } from './errors.js';
import { unknownKeyWarnings } from './unknown-keys.js';

export const DEFAULT_CONFIG_FILE = 'ai-gateway-config.yaml';

export interface LoadedConfig {
  config: GatewayConfig;
  /** File path, or `embedded default`. */
  source: string;
  /** True when no file was found and the embedded default is in use. */
  embedded: boolean;
  /** Keys set from `AI_GATEWAY__…` variables. */
  envOverrides: string[];
  /** The same, with the variable that set each key (to name it in error messages). */
  overrides: EnvOverride[];
  /** Unknown keys in sections Helicone reads leniently: warnings, fatal only for `check --strict`. */
  unknownKeys: string[];
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
    // The whole message: it names the line and column and quotes the line with a caret.
    throw new ConfigError(doc.errors.map((e) => `YAML syntax: ${e.message.trimEnd()}`), source);
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(['(top level): expected a mapping of keys such as "server", "providers", "routers"'], source);
  }
  return validate(raw as Record<string, unknown>, source, env);
}

function validate(raw: Record<string, unknown>, source: string, env: NodeJS.ProcessEnv): Omit<LoadedConfig, 'embedded'> {
  const overrides = applyEnvOverrides(raw, env);
  const result = configSchema.safeParse(raw);
  if (!result.success) throw configError(describeIssues(configSchema, result.error, raw), source, overrides);
  const unknownKeys = attributeToVariables(unknownKeyWarnings(configSchema, raw), overrides).problems;
  return { config: result.data, source, envOverrides: overrides.map((o) => o.key), overrides, unknownKeys };
}

/** Problems about keys an `AI_GATEWAY__…` variable set name the variable; all of them → the source is the environment. */
export function configError(problems: string[], source: string, overrides: readonly EnvOverride[]): ConfigError {
  const attributed = attributeToVariables(problems, overrides);
  return new ConfigError(attributed.problems, attributed.allFromEnv ? 'environment' : source);
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
