/** Native endpoint paths. Model ids come from clients, so they are percent-encoded into the path. */
import { versionedApiPath } from '../base-path.js';

const API_VERSION = 'v1beta/';
const RESOURCE_PREFIXES = ['models/', 'tunedModels/'] as const;

/** `models/{model}` as Gemini names resources; accepts ids that already carry the prefix. */
export function geminiModelResource(model: string): string {
  for (const prefix of RESOURCE_PREFIXES) {
    if (model.startsWith(prefix)) return prefix + encodeURIComponent(model.slice(prefix.length));
  }
  return `models/${encodeURIComponent(model)}`;
}

/** A base URL that already names an API version (`…/v1beta/`, `…/v1/`) keeps it. */
export function geminiMethodPath(baseUrl: URL, model: string, method: string): string {
  return versionedApiPath(baseUrl.pathname, `${API_VERSION}${geminiModelResource(model)}:${method}`);
}

export function geminiChatPath(baseUrl: URL, model: string, stream: boolean): string {
  return stream
    ? geminiMethodPath(baseUrl, model, 'streamGenerateContent') + '?alt=sse'
    : geminiMethodPath(baseUrl, model, 'generateContent');
}
