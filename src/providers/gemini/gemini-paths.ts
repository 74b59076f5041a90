/** Native endpoint paths. Model ids come from clients, so they are percent-encoded into the path. */

const API_VERSION = 'v1beta/';
const RESOURCE_PREFIXES = ['models/', 'tunedModels/'] as const;

/** `models/{model}` as Gemini names resources; accepts ids that already carry the prefix. */
export function geminiModelResource(model: string): string {
  for (const prefix of RESOURCE_PREFIXES) {
    if (model.startsWith(prefix)) return prefix + encodeURIComponent(model.slice(prefix.length));
  }
  return `models/${encodeURIComponent(model)}`;
}

/** Base URLs end with `/`; tolerate one that already names the API version. */
function apiRoot(baseUrl: URL): string {
  const base = baseUrl.pathname;
  return base.endsWith(`/${API_VERSION}`) ? base : base + API_VERSION;
}

export function geminiMethodPath(baseUrl: URL, model: string, method: string): string {
  return `${apiRoot(baseUrl)}${geminiModelResource(model)}:${method}`;
}

export function geminiChatPath(baseUrl: URL, model: string, stream: boolean): string {
  return stream
    ? geminiMethodPath(baseUrl, model, 'streamGenerateContent') + '?alt=sse'
    : geminiMethodPath(baseUrl, model, 'generateContent');
}
