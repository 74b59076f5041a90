/**
 * Where an OpenAI endpoint lives on an Azure OpenAI resource.
 *
 * Two API surfaces exist. The v1 API (`/openai/v1/{endpoint}`) takes the model — the
 * deployment's name — in the body, like OpenAI. Deployment paths
 * (`/openai/deployments/{deployment}/{endpoint}?api-version=…`) name the deployment in the URL
 * and ignore the body's `model`. A provider uses deployment paths when its config has
 * `deployments` or `api-version`; a model with no entry in `deployments` is taken to be
 * deployed under its own name (Azure's usual practice).
 *
 * Paths are worked out once per provider, endpoint and configured model; only a model outside
 * `deployments` costs a string join per request.
 */
import type { ProviderRuntime } from '../types.js';

/** Azure's current GA data-plane version, used when deployments are set without `api-version`. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/**
 * Endpoints that exist under `/openai/deployments/{d}/`. Others (`responses`, `models`) are
 * resource-wide and always use the v1 API, whatever the provider's mode.
 */
const DEPLOYMENT_SCOPED = new Set(['chat/completions', 'completions', 'embeddings', 'audio/transcriptions', 'audio/speech', 'images/generations']);

interface AzurePaths {
  /** `/openai/v1/` under the resource root. */
  readonly v1: string;
  /** `/openai/deployments/`, or undefined in v1 mode. */
  readonly deploymentsBase: string | undefined;
  /** `?api-version=…` (encoded once). */
  readonly query: string;
  /** endpoint → model → full path, for the configured deployments. */
  readonly cached: Map<string, Map<string, string>>;
}

const compiled = new WeakMap<ProviderRuntime, AzurePaths>();

/**
 * The resource root from a base URL: `https://r.openai.azure.com/` as configured, and also the
 * forms copied from Azure's portal or SDK samples (`…/openai/`, `…/openai/v1/`).
 */
function resourceRoot(pathname: string): string {
  return pathname.replace(/openai\/(v1\/)?$/, '');
}

function pathsFor(provider: ProviderRuntime): AzurePaths {
  let paths = compiled.get(provider);
  if (paths === undefined) {
    const root = resourceRoot(provider.baseUrl.pathname);
    const deploymentMode = provider.deployments !== undefined || provider.apiVersion !== undefined;
    paths = {
      v1: `${root}openai/v1/`,
      deploymentsBase: deploymentMode ? `${root}openai/deployments/` : undefined,
      query: `?api-version=${encodeURIComponent(provider.apiVersion ?? DEFAULT_AZURE_API_VERSION)}`,
      cached: new Map(),
    };
    compiled.set(provider, paths);
  }
  return paths;
}

function deploymentPath(paths: AzurePaths, base: string, endpoint: string, deployment: string): string {
  return `${base}${encodeURIComponent(deployment)}/${endpoint}${paths.query}`;
}

/**
 * Path and query for `endpoint` (an OpenAI API path after `v1/`: `chat/completions`,
 * `embeddings`, `responses`) and `model` on this Azure provider.
 */
export function azurePath(provider: ProviderRuntime, endpoint: string, model: string): string {
  const paths = pathsFor(provider);
  const base = paths.deploymentsBase;
  if (base === undefined || !DEPLOYMENT_SCOPED.has(endpoint)) return paths.v1 + endpoint;
  const deployment = provider.deployments?.get(model);
  if (deployment === undefined) return deploymentPath(paths, base, endpoint, model);
  let byModel = paths.cached.get(endpoint);
  if (byModel === undefined) {
    byModel = new Map();
    paths.cached.set(endpoint, byModel);
  }
  let path = byModel.get(model);
  if (path === undefined) {
    path = deploymentPath(paths, base, endpoint, deployment);
    byModel.set(model, path);
  }
  return path;
}
