/**
 * Model-name equivalence. `gpt-4o-mini-2024-07-18` is served by a provider that lists
 * `gpt-4o-mini`: dated and `-latest` suffixes do not change which model family is meant.
 */
const VERSION_SUFFIX = /-(latest|\d{4}-\d{2}-\d{2}|\d{8})$/;

export function baseModelName(model: string): string {
  return model.replace(VERSION_SUFFIX, '');
}

/** A compiled set of model names answering "is this model served?" in O(1). */
export class ModelSet {
  private readonly exact: Set<string>;
  private readonly bases: Set<string>;

  constructor(models: readonly string[]) {
    this.exact = new Set(models);
    this.bases = new Set(models.map(baseModelName));
  }

  has(model: string): boolean {
    return this.exact.has(model) || this.bases.has(baseModelName(model));
  }

  get size(): number {
    return this.exact.size;
  }
}
