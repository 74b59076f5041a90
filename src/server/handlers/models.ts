/** `GET …/models` in OpenAI's list shape. */
import type { Router } from '../../core/router.js';
import type { UnifiedApi } from '../../core/unified.js';
import type { RequestContext } from '../context.js';
import { sendJson } from '../respond.js';

interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export function listRouterModels(ctx: RequestContext, router: Router): void {
  const seen = new Set<string>();
  const data: ModelEntry[] = [];
  for (const target of router.targets) {
    const models = target.fixedModel ? [target.fixedModel] : target.provider.models;
    for (const id of models) {
      if (seen.has(id)) continue;
      seen.add(id);
      data.push({ id, object: 'model', created: 0, owned_by: target.provider.name });
    }
  }
  sendJson(ctx, 200, { object: 'list', data });
}

export function listUnifiedModels(ctx: RequestContext, unified: UnifiedApi): void {
  const data: ModelEntry[] = [];
  for (const entry of unified.available()) {
    for (const id of entry.runtime.models) data.push({ id: `${entry.runtime.name}/${id}`, object: 'model', created: 0, owned_by: entry.runtime.name });
  }
  sendJson(ctx, 200, { object: 'list', data });
}
