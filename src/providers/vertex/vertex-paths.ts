/**
 * Vertex AI endpoints. Every model lives under
 * `v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}`; the
 * publisher follows the model name (`claude-*` is Anthropic's, everything else Google's).
 */
import { versionedApiPath } from '../base-path.js';
import type { ProviderRuntime } from '../types.js';

export type VertexPublisher = 'google' | 'anthropic';

export function publisherOf(model: string): VertexPublisher {
  return model.startsWith('claude-') ? 'anthropic' : 'google';
}

/** The regional endpoint, or the global one (`https://aiplatform.googleapis.com/`). */
export function vertexBaseUrl(location: string): string {
  return location === 'global' ? 'https://aiplatform.googleapis.com/' : `https://${location}-aiplatform.googleapis.com/`;
}

/** Model ids come from clients, so they are percent-encoded; `@` (Claude's version pins) stays. */
const encodeModel = (model: string): string => encodeURIComponent(model).replaceAll('%40', '@');

/** `{base}v1/projects/…/models/{model}:{method}`; a base URL already ending in `/v1/` keeps it. */
export function vertexModelPath(provider: ProviderRuntime, model: string, method: string): string {
  const project = encodeURIComponent(provider.project ?? '');
  const location = encodeURIComponent(provider.location ?? '');
  const resource = `projects/${project}/locations/${location}/publishers/${publisherOf(model)}/models/${encodeModel(model)}`;
  return versionedApiPath(provider.baseUrl.pathname, `v1/${resource}:${method}`);
}
