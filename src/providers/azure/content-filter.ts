/**
 * Azure OpenAI's content filter, as it shows in error bodies.
 *
 * A prompt the filter blocks is a 400 with `code: "content_filter"` and
 * `innererror.content_filter_result`: one entry per category (`hate`, `sexual`, `violence`,
 * `self_harm` with a `severity`; `jailbreak`, `profanity`, `protected_material_*` with
 * `detected`; `custom_blocklists` with `details`). The client gets the categories that fired, so
 * the message says why without sending anyone to the Azure portal.
 *
 * An answer the filter cuts short is not an error: it ends with `finish_reason: "content_filter"`,
 * and the body (or stream chunk) carries `content_filter_results`; both pass through as Azure sent them.
 */

interface CategoryResult {
  filtered?: unknown;
  severity?: unknown;
  detected?: unknown;
  details?: unknown;
}

/** `violence (medium)`, `jailbreak`, `custom_blocklists (my-list)` for each category that filtered. */
export function filteredCategories(result: unknown): string[] {
  if (typeof result !== 'object' || result === null) return [];
  const out: string[] = [];
  for (const [category, value] of Object.entries(result as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const entry = value as CategoryResult;
    if (entry.filtered !== true) continue;
    if (typeof entry.severity === 'string' && entry.severity !== 'safe') out.push(`${category} (${entry.severity})`);
    else if (Array.isArray(entry.details)) {
      const ids = (entry.details as Array<{ filtered?: unknown; id?: unknown }>)
        .filter((d) => d.filtered === true && typeof d.id === 'string')
        .map((d) => d.id as string);
      out.push(ids.length > 0 ? `${category} (${ids.join(', ')})` : category);
    } else out.push(category);
  }
  return out;
}

/** The client-facing message for a prompt the filter blocked. */
export function contentFilterMessage(provider: string, result: unknown): string {
  const categories = filteredCategories(result);
  const which = categories.length > 0 ? ` (${categories.join(', ')})` : '';
  return `${provider}: the prompt was blocked by Azure OpenAI's content filter${which}. Rephrase the request, or ask the resource's administrator about its content filter policy.`;
}
