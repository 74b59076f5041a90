/**
 * Helicone-style environment overrides: `AI_GATEWAY__SERVER__PORT=9000` sets `server.port`.
 * Segments are lower-cased and `_` becomes `-` (kebab-case keys), except where a key is
 * spelled with `_` in the schema (`dispatcher.connection_timeout`).
 */
import { parse as parseYamlScalar } from 'yaml';

const PREFIX = 'AI_GATEWAY__';
const SNAKE_CASE_KEYS = new Set(['connection_timeout', '__prompts']);

function segmentToKey(segment: string): string {
  const lower = segment.toLowerCase();
  return SNAKE_CASE_KEYS.has(lower) ? lower : lower.replace(/_/g, '-');
}

export interface EnvOverride {
  /** Config path, `server.port`. */
  key: string;
  /** The variable that set it, `AI_GATEWAY__SERVER__PORT`. */
  variable: string;
}

export function applyEnvOverrides(config: Record<string, unknown>, env: NodeJS.ProcessEnv): EnvOverride[] {
  const applied: EnvOverride[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || raw === undefined) continue;
    const path = name.slice(PREFIX.length).split('__').filter(Boolean).map(segmentToKey);
    if (path.length === 0) continue;
    let node = config;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    // Values are read like YAML scalars so `9000` is a number and `true` a boolean.
    let value: unknown = raw;
    try {
      value = parseYamlScalar(raw);
    } catch {
      value = raw;
    }
    node[path[path.length - 1]] = value;
    applied.push({ key: path.join('.'), variable: name });
  }
  return applied;
}

/**
 * A problem about a key some variable set names that variable, not the file: `server.port: …`
 * becomes `AI_GATEWAY__SERVER__PORT (server.port): …`. Problems start with their config path.
 */
export function attributeToVariables(problems: string[], overrides: readonly EnvOverride[]): { problems: string[]; allFromEnv: boolean } {
  if (overrides.length === 0) return { problems, allFromEnv: false };
  let fromEnv = 0;
  const out = problems.map((problem) => {
    const path = /^[^\s:]+/.exec(problem)?.[0] ?? '';
    const match = overrides.find((o) => path === o.key || path.startsWith(`${o.key}.`) || path.startsWith(`${o.key}[`));
    if (!match) return problem;
    fromEnv++;
    return `${match.variable} (${problem.slice(0, path.length)})${problem.slice(path.length)}`;
  });
  return { problems: out, allFromEnv: fromEnv === problems.length };
}
