/** Turns schema issues into messages a person can act on: the path, what was expected, a suggestion. */
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

/** A problem may span lines (a YAML error quotes its line): continuation lines are indented under it. */
function bullet(problem: string): string {
  return `  - ${problem.replace(/\n/g, '\n    ')}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[], readonly source: string) {
    super(`invalid config (${source}):\n${problems.map(bullet).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The schema under defaults, optionals and transforms. */
export function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current._def.innerType;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodEffects) current = current.innerType();
    else return current;
  }
}

/** The keys an object at `path` may have, found by walking the schema. */
export function keysAt(root: z.ZodTypeAny, path: (string | number)[]): string[] {
  let nodes: z.ZodTypeAny[] = [root];
  const descend = (segment: string | number): void => {
    const next: z.ZodTypeAny[] = [];
    for (const raw of nodes) {
      const node = unwrap(raw);
      if (node instanceof z.ZodObject) {
        const child = (node.shape as Record<string, z.ZodTypeAny>)[String(segment)];
        if (child) next.push(child);
      } else if (node instanceof z.ZodRecord) next.push(node._def.valueType);
      else if (node instanceof z.ZodArray) next.push(node.element);
      else if (node instanceof z.ZodDiscriminatedUnion) {
        for (const option of node.options as z.ZodTypeAny[]) {
          const child = (unwrap(option) as z.AnyZodObject).shape[String(segment)];
          if (child) next.push(child);
        }
      }
    }
    nodes = next;
  };
  for (const segment of path) descend(segment);
  const keys = new Set<string>();
  for (const raw of nodes) {
    const node = unwrap(raw);
    if (node instanceof z.ZodObject) Object.keys(node.shape).forEach((k) => keys.add(k));
    if (node instanceof z.ZodDiscriminatedUnion) {
      for (const option of node.options as z.AnyZodObject[]) Object.keys((unwrap(option) as z.AnyZodObject).shape).forEach((k) => keys.add(k));
    }
  }
  return [...keys];
}

export function describePath(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

export function suggestKey(key: string, valid: string[]): string | undefined {
  if (valid.length === 0) return undefined;
  const best = closest(key, valid);
  // Only suggest what is plausibly a typo.
  return distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** The value at `path` in the raw (unvalidated) input. */
function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let node = raw;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * A discriminated union (`strategy:`) reports only "expected one of …". Say what is wrong: a
 * misspelt discriminator key (`stratgy:`) or value (`weigthed`) gets a did-you-mean.
 */
function describeDiscriminator(schema: z.ZodTypeAny, raw: unknown, issue: z.ZodInvalidUnionDiscriminatorIssue): string {
  const key = String(issue.path[issue.path.length - 1]);
  const parentPath = issue.path.slice(0, -1);
  const options = issue.options.map((o) => String(o));
  const listed = options.map((o) => JSON.stringify(o)).join(', ');
  const parent = valueAt(raw, parentPath);
  const given = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[key] : undefined;
  if (given === undefined && typeof parent === 'object' && parent !== null) {
    const valid = keysAt(schema, parentPath);
    const misspelt = Object.keys(parent).find((k) => !valid.includes(k) && suggestKey(k, [key]) === key);
    if (misspelt) return `${describePath([...parentPath, misspelt])}: unknown key "${misspelt}" — did you mean "${key}"? (${key} is one of ${listed})`;
    return `${describePath(issue.path)}: required, one of ${listed}`;
  }
  const suggestion = typeof given === 'string' ? suggestKey(given, options) : undefined;
  return `${describePath(issue.path)}: expected one of ${listed}, got ${JSON.stringify(given)}${suggestion ? ` — did you mean "${suggestion}"?` : ''}`;
}

export function describeIssues(schema: z.ZodTypeAny, error: z.ZodError, raw?: unknown): string[] {
  const problems: string[] = [];
  for (const issue of error.issues) {
    const where = describePath(issue.path);
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      const valid = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        const keyPath = describePath([...issue.path, key]);
        const suggestion = suggestKey(key, valid);
        problems.push(
          suggestion
            ? `${keyPath}: unknown key "${key}" — did you mean "${suggestion}"?`
            : `${keyPath}: unknown key "${key}" (valid keys here: ${valid.join(', ')})`,
        );
      }
    } else if (issue.code === z.ZodIssueCode.invalid_type) {
      problems.push(
        issue.received === 'undefined'
          ? `${where}: required, expected ${issue.expected}`
          : `${where}: expected ${issue.expected}, got ${issue.received}`,
      );
    } else if (issue.code === z.ZodIssueCode.invalid_union_discriminator) {
      problems.push(describeDiscriminator(schema, raw, issue));
    } else if (issue.code === z.ZodIssueCode.invalid_enum_value) {
      problems.push(`${where}: expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(issue.received)}`);
    } else {
      problems.push(`${where}: ${issue.message}`);
    }
  }
  return problems;
}
