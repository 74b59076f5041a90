/**
 * Discovers provider credentials from the environment, once, at startup.
 * Secrets stay in this module's memory and in the adapters' requests; everything else sees
 * a status with variable names and a fingerprint.
 */
import type { Credentials } from '../providers/types.js';
import type { AdapterKind } from '../config/embedded/providers.js';
import { fingerprint } from './fingerprint.js';
import { GoogleTokenSource } from './google-token.js';

export type CredentialStatus =
  | { found: true; credentials: Credentials; variables: string[]; fingerprint: string | null }
  | { found: false; missing: string[]; hint: string };

export interface CredentialRequest {
  name: string;
  kind: AdapterKind;
  /** Region from the provider's config, if any (Bedrock). */
  region?: string;
  /** Google Cloud project (Vertex), from the config or `GOOGLE_CLOUD_PROJECT`. */
  project?: string;
  /** The provider has a section in the config file (Vertex then may use Application Default Credentials). */
  configured?: boolean;
  /** `api-key: none`: the provider takes no credential (a local vLLM, llama.cpp, LM Studio). */
  keyless?: boolean;
}

/** `my-vllm` → `MY_VLLM_API_KEY`. */
export function apiKeyVariable(provider: string): string {
  return `${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}

/** Providers whose own SDKs read a differently named variable; that name comes first. */
const VENDOR_KEY_VARIABLES: Record<string, string[]> = {
  azure: ['AZURE_OPENAI_API_KEY', 'AZURE_API_KEY'],
};

/**
 * Variables read for a provider's key: ours first, then Helicone's spelling (the name upper-cased
 * as is, `MY-LLM_API_KEY`), which `env` and `.env` files can set although most shells cannot.
 */
export function apiKeyVariables(provider: string): string[] {
  const vendor = VENDOR_KEY_VARIABLES[provider];
  if (vendor) return vendor;
  const ours = apiKeyVariable(provider);
  const helicone = `${provider.toUpperCase()}_API_KEY`;
  return helicone === ours ? [ours] : [ours, helicone];
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): [string, string] | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return [name, value];
  }
  return undefined;
}

function discoverAws(env: NodeJS.ProcessEnv, region: string | undefined): CredentialStatus {
  const keyId = firstSet(env, ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY']);
  const secret = firstSet(env, ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY']);
  if (!keyId || !secret) {
    const missing = [!keyId ? 'AWS_ACCESS_KEY_ID' : undefined, !secret ? 'AWS_SECRET_ACCESS_KEY' : undefined].filter(
      (v): v is string => v !== undefined,
    );
    return { found: false, missing, hint: `set ${missing.join(' and ')} (and AWS_REGION)` };
  }
  const token = firstSet(env, ['AWS_SESSION_TOKEN']);
  const resolvedRegion = region ?? env.AWS_REGION?.trim() ?? env.AWS_DEFAULT_REGION?.trim() ?? 'us-east-1';
  return {
    found: true,
    credentials: {
      kind: 'aws',
      accessKeyId: keyId[1],
      secretAccessKey: secret[1],
      sessionToken: token?.[1],
      region: resolvedRegion,
    },
    variables: [keyId[0], secret[0], ...(token ? [token[0]] : [])],
    fingerprint: fingerprint(keyId[1]),
  };
}

/**
 * Vertex: a service-account key file named by `GOOGLE_APPLICATION_CREDENTIALS`, or — when the
 * config has a `providers.vertex` section — Application Default Credentials (gcloud's, or the
 * metadata server's on Google Cloud). Nothing is read here: the token source reads the file and
 * loads google-auth-library on the first request.
 */
function discoverGoogle(request: CredentialRequest, env: NodeJS.ProcessEnv): CredentialStatus {
  const keyFile = firstSet(env, ['GOOGLE_APPLICATION_CREDENTIALS']);
  if (!request.project) {
    return { found: false, missing: ['GOOGLE_CLOUD_PROJECT'], hint: `set providers.${request.name}.project or GOOGLE_CLOUD_PROJECT` };
  }
  if (!keyFile && !request.configured) {
    return {
      found: false,
      missing: ['GOOGLE_APPLICATION_CREDENTIALS'],
      hint: `set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or add providers.${request.name} to the config to use Application Default Credentials`,
    };
  }
  const credentials = new GoogleTokenSource({ provider: request.name, keyFile: keyFile?.[1] });
  return { found: true, credentials, variables: keyFile ? [keyFile[0]] : [], fingerprint: null };
}

export function discoverCredentials(request: CredentialRequest, env: NodeJS.ProcessEnv): CredentialStatus {
  if (request.kind === 'ollama' || request.keyless) return { found: true, credentials: { kind: 'none' }, variables: [], fingerprint: null };
  if (request.kind === 'bedrock') return discoverAws(env, request.region);
  if (request.kind === 'vertex') return discoverGoogle(request, env);
  const found = firstSet(env, apiKeyVariables(request.name));
  if (!found) {
    const variable = VENDOR_KEY_VARIABLES[request.name]?.[0] ?? apiKeyVariable(request.name);
    return { found: false, missing: [variable], hint: `set ${variable}` };
  }
  const [variable, key] = found;
  return { found: true, credentials: { kind: 'api-key', key }, variables: [variable], fingerprint: fingerprint(key) };
}

/** Names a found credential for events and logs — where it came from, never its value. */
export function credentialIdOf(status: Extract<CredentialStatus, { found: true }>): string {
  const { credentials, variables, fingerprint: tail } = status;
  const source = variables.length > 0 ? `env:${variables[0]}` : credentials.kind === 'oauth' ? credentials.source : credentials.kind;
  return tail ? `${source} ${tail}` : source;
}

export class CredentialStore {
  private readonly statuses = new Map<string, CredentialStatus>();

  constructor(requests: CredentialRequest[], env: NodeJS.ProcessEnv) {
    for (const request of requests) this.statuses.set(request.name, discoverCredentials(request, env));
  }

  status(provider: string): CredentialStatus | undefined {
    return this.statuses.get(provider);
  }

  /** Providers in discovery order with their status (for the startup table and `check`). */
  entries(): [string, CredentialStatus][] {
    return [...this.statuses.entries()];
  }
}
