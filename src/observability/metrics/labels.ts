/**
 * Label values for the metrics, kept bounded: Prometheus keeps one series per label set
 * forever, so nothing a client chooses freely (request ids, arbitrary model names) becomes a
 * label. A model outside the configured and known set is `other`.
 */
import type { CompiledGateway } from '../../config/compile.js';
import { mergedDefaultMapping } from '../../config/compile.js';
import { baseModelName } from '../../core/model-names.js';
import type { AttemptRecord } from '../records/request-record.js';

/** The label for a missing value (no provider reached, no model, no key). */
export const NONE = 'none';
export const OTHER = 'other';
const MAX_FOLDED = 1_000;

/**
 * The models a label may name: every provider's `models` list, the routers' fixed models and
 * both sides of the model mappings. A dated or `-latest` variant of a known model is labelled
 * with the known base name (providers answer with dated names; clients could invent endless
 * dates).
 */
export class ModelLabels {
  private readonly exact = new Set<string>();
  private readonly bases = new Set<string>();
  /** Names seen that are not in the set, and their label (bounded: cleared when full). */
  private readonly folded = new Map<string, string>();

  constructor(compiled: CompiledGateway) {
    for (const entry of compiled.providers.values()) for (const m of entry.runtime.models) this.add(m);
    for (const router of compiled.routers.values()) for (const t of router.targets) if (t.fixedModel) this.add(t.fixedModel);
    const mappings = [mergedDefaultMapping(compiled.config), ...Object.values(compiled.config.routers).map((r) => r['model-mappings'] ?? {})];
    for (const mapping of mappings) {
      for (const [model, targets] of Object.entries(mapping)) {
        this.add(model);
        for (const target of targets) {
          const slash = target.indexOf('/');
          this.add(slash === -1 ? target : target.slice(slash + 1));
        }
      }
    }
  }

  private add(model: string): void {
    this.exact.add(model);
    this.bases.add(baseModelName(model));
  }

  label(model: string | null): string {
    if (model === null) return NONE;
    if (this.exact.has(model)) return model;
    let label = this.folded.get(model);
    if (label === undefined) {
      const base = baseModelName(model);
      label = base !== model && this.bases.has(base) ? base : OTHER;
      if (this.folded.size >= MAX_FOLDED) this.folded.clear();
      this.folded.set(model, label);
    }
    return label;
  }
}

/** `env:OPENAI_API_KEY …abcd` → `…abcd`: the fingerprint only, never the source or more. */
export function keyLabel(providerKey: string): string {
  const at = providerKey.lastIndexOf(' …');
  return at === -1 ? NONE : providerKey.slice(at + 1);
}

/** What became of one upstream attempt, in a handful of values. */
export type AttemptResult = 'ok' | 'rate_limited' | 'timeout' | 'unreachable' | 'pool_exhausted' | 'client_error' | 'error' | 'cancelled';

export function attemptResult(a: AttemptRecord): AttemptResult {
  if (a.ok) return 'ok';
  const code = a.error_code;
  if (a.status === 429) return 'rate_limited';
  if (code === null) return 'cancelled';
  if (code === 'upstream_pool_exhausted') return 'pool_exhausted';
  if (code.endsWith('timeout') || a.status === 504 || a.status === 408) return 'timeout';
  if (a.status === null || code === 'upstream_unreachable') return 'unreachable';
  if (a.status >= 400 && a.status < 500) return 'client_error';
  return 'error';
}
