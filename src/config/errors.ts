/** Turns schema issues into messages a person can act on: the path, what was expected, a suggestion. */
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[], readonly source: string) {
    super(`invalid config (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current._def.innerType;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodEffects) current = current.innerType();
    else return current;
  }
}

/** The keys an object at `path` may have, found by walking the schema. */
function keysAt(root: z.ZodTypeAny, path: (string | number)[]): string[] {
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

function describePath(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

export function suggestKey(key: string, valid: string[]): string | undefined {
  if (valid.length === 0) return undefined;
  const best = closest(key, valid);
  // Only suggest what is plausibly a typo.
  return distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

export function describeIssues(schema: z.ZodTypeAny, error: z.ZodError): string[] {
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
      problems.push(`${where}: expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`);
    } else if (issue.code === z.ZodIssueCode.invalid_enum_value) {
      problems.push(`${where}: expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(issue.received)}`);
    } else {
      problems.push(`${where}: ${issue.message}`);
    }
  }
  return problems;
}
