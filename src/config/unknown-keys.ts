/**
 * Unknown keys in the sections Helicone reads leniently (`routers.<id>`, `retries`,
 * `providers.<p>`, `response-headers`, `dispatcher`). Helicone ignores them, so a Helicone
 * file with a stray key must still start — but a typo there silently does nothing, so each one
 * is named with the closest valid key. Strict sections are rejected by the schema itself.
 *
 * Found by walking the raw input alongside the schema: every non-strict object is checked.
 */
import { z } from 'zod';
import { describePath, suggestKey, unwrap } from './errors.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(schema: z.ZodTypeAny, raw: unknown, path: (string | number)[], out: string[]): void {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) {
    if (!isRecord(raw)) return;
    const shape = node.shape as Record<string, z.ZodTypeAny>;
    const valid = Object.keys(shape);
    const lenient = (node._def as { unknownKeys?: string }).unknownKeys === 'strip';
    for (const [key, value] of Object.entries(raw)) {
      const child = shape[key];
      if (child) walk(child, value, [...path, key], out);
      else if (lenient) {
        const suggestion = suggestKey(key, valid);
        out.push(
          `${describePath([...path, key])}: unknown key "${key}" is ignored${suggestion ? ` — did you mean "${suggestion}"?` : ` (valid keys here: ${valid.join(', ')})`}`,
        );
      }
    }
  } else if (node instanceof z.ZodRecord) {
    if (!isRecord(raw)) return;
    for (const [key, value] of Object.entries(raw)) walk(node._def.valueType as z.ZodTypeAny, value, [...path, key], out);
  } else if (node instanceof z.ZodArray) {
    if (!Array.isArray(raw)) return;
    raw.forEach((item, i) => walk(node.element as z.ZodTypeAny, item, [...path, i], out));
  } else if (node instanceof z.ZodDiscriminatedUnion) {
    if (!isRecord(raw)) return;
    const option = (node.optionsMap as Map<unknown, z.ZodTypeAny>).get(raw[node.discriminator as string]);
    if (option) walk(option, raw, path, out);
  }
}

/** One warning per unknown key in a lenient section of `raw` (the parsed YAML, after env overrides). */
export function unknownKeyWarnings(schema: z.ZodTypeAny, raw: unknown): string[] {
  const out: string[] = [];
  walk(schema, raw, [], out);
  return out;
}
