/**
 * Joining a provider's base URL path and an API path without doubling the version segment.
 *
 * Helicone's base URLs end at the host (`https://api.anthropic.com/`) and the gateway adds
 * `v1/…`; OpenAI-compatible servers are usually configured with the version included
 * (`http://vllm:8000/v1`). Both must work: a base path that already ends in a version segment
 * (`/v1/`, `/v1beta/`) is never given a second one.
 */
const VERSION_SEGMENT = /^v\d+[a-z0-9]*$/;
const ENDS_AT_VERSION = /\/v\d+[a-z0-9]*\/$/;

/**
 * `basePath` (ends with `/`) + `apiPath` (starts with its version, `v1/messages`): when the base
 * already ends in a version, that one is kept — `/v1/` + `v1/messages` → `/v1/messages`.
 */
export function versionedApiPath(basePath: string, apiPath: string): string {
  if (!ENDS_AT_VERSION.test(basePath)) return basePath + apiPath;
  return basePath + apiPath.slice(apiPath.indexOf('/') + 1);
}

/**
 * Passthrough: `basePath` + the client's path (`rest`, no leading `/`). Segments the base ends
 * with and the client's path starts with are not repeated when they include a version:
 * `/v1/` + `v1/models` → `/v1/models`, `/api/v1/` + `v1/models` → `/api/v1/models`.
 */
export function joinPassthroughPath(basePath: string, rest: string): string {
  if (basePath === '/' || rest === '') return basePath + rest;
  const base = basePath.split('/').filter(Boolean);
  const path = rest.split('/');
  for (let k = Math.min(base.length, path.length); k >= 1; k--) {
    let same = true;
    let versioned = false;
    for (let i = 0; i < k && same; i++) {
      const segment = path[i];
      same = base[base.length - k + i] === segment;
      if (VERSION_SEGMENT.test(segment)) versioned = true;
    }
    if (same && versioned) return basePath + path.slice(k).join('/');
  }
  return basePath + rest;
}
