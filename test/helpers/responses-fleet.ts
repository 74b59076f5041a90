/**
 * Every provider simulator that serves chat, and the gateway (in process, from src) in front of
 * them, for the Responses integration tests:
 *
 *   const fleet = await startFleet();
 *   fleet.gw.url; fleet.targets          // one entry per provider: model on /ai, how to read what it received
 *   fleet.routerUrl('via-anthropic')     // `${gw.url}/router/via-anthropic/v1`
 *   await fleet.close();
 *
 * Each provider has a one-provider router `via-{name}` (strategy latency), and is reachable on
 * `/ai` and the root `/v1` as `{name}/{model}`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInProcess, type InProcessGateway } from './in-process.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startGeminiSimulator, type GeminiSimulator } from '../simulators/gemini.js';
import { startBedrockSimulator, type BedrockSimulator } from '../simulators/bedrock.js';
import { startMistralSimulator, type MistralSimulator } from '../simulators/mistral.js';
import { startOllamaSimulator, type OllamaSimulator } from '../simulators/ollama.js';
import { startAzureSimulator, type AzureSimulator } from '../simulators/azure.js';
import { startVertexSimulator, type VertexSimulator } from '../simulators/vertex.js';

export const KEYS = {
  openai: 'test-openai-key-responses-0123456789ab',
  anthropic: 'test-anthropic-key-responses-0123456789',
  gemini: 'test-gemini-key-responses-0123456789ab',
  mistral: 'test-mistral-key-responses-0123456789a',
  azure: 'test-azure-key-responses-0123456789abcd',
  awsId: 'TESTACCESSKEYID01234567',
  awsSecret: 'test-aws-secret-responses-0123456789abcdef',
};
/** What clients send as their own key: never forwarded. */
export const CLIENT_KEY = 'client-own-key-must-not-travel-0123456789';
const REGION = 'us-west-2';
const PROJECT = 'responses-test-project';
const LOCATION = 'us-east5';

export interface UpstreamRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** The body as it arrived, when the simulator keeps it. */
  raw?: string;
}

export interface Target {
  /** Provider name (and the router `via-{name}`); `vertex-claude` is Vertex's anthropic publisher. */
  name: string;
  provider: string;
  /** `provider/model`, for /ai and the root /v1. */
  model: string;
  /** The Responses body goes through as it came (openai, azure) rather than translated. */
  native: boolean;
  /** Where `max_output_tokens` lands in the upstream body (searched at any depth). */
  limitKey: string;
  /** The provider can be made to call a named function (Ollama cannot). */
  forcesTool: boolean;
  /** Requests the simulator has received so far (model calls only). */
  requests(): UpstreamRequest[];
}

export interface Fleet {
  gw: InProcessGateway;
  targets: Target[];
  openai: OpenAISimulator;
  anthropic: AnthropicSimulator;
  gemini: GeminiSimulator;
  bedrock: BedrockSimulator;
  mistral: MistralSimulator;
  ollama: OllamaSimulator;
  azure: AzureSimulator;
  vertex: VertexSimulator;
  target(name: string): Target;
  routerUrl(id: string): string;
  close(): Promise<void>;
}

const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** Extra YAML under `routers:` (indented two spaces) may be passed in. */
export async function startFleet(options: { routers?: string } = {}): Promise<Fleet> {
  const [openai, anthropic, gemini, bedrock, mistral, ollama, azure, vertex] = await Promise.all([
    startOpenAISimulator({ apiKey: KEYS.openai }),
    startAnthropicSimulator({ apiKey: KEYS.anthropic }),
    startGeminiSimulator({ apiKey: KEYS.gemini }),
    startBedrockSimulator({ accessKeyId: KEYS.awsId, secretAccessKey: KEYS.awsSecret, region: REGION }),
    startMistralSimulator({ apiKey: KEYS.mistral }),
    startOllamaSimulator(),
    startAzureSimulator({ apiKey: KEYS.azure, deployments: ['gpt-4o-mini'] }),
    startVertexSimulator({ project: PROJECT, location: LOCATION }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'responses-fleet-'));
  const keyFile = await vertex.writeServiceAccountKey(dir);
  const names = ['openai', 'anthropic', 'gemini', 'bedrock', 'mistral', 'ollama', 'azure', 'vertex'];
  const routers = names.map((n) => `  via-${n}:\n    load-balance:\n      chat: { strategy: latency, providers: [${n}] }\n`).join('');
  const gw = await startInProcess({
    config: `
providers:
  openai: { base-url: "${openai.url}", models: [gpt-4o-mini] }
  anthropic: { base-url: "${anthropic.url}" }
  gemini: { base-url: "${gemini.url}/" }
  bedrock: { base-url: "${bedrock.url}" }
  mistral: { base-url: "${mistral.url}" }
  ollama: { base-url: "${ollama.url}" }
  azure: { base-url: "${azure.url}" }
  vertex: { base-url: "${vertex.url}/", project: ${PROJECT}, location: ${LOCATION} }
routers:
${routers}${options.routers ?? ''}`,
    env: {
      OPENAI_API_KEY: KEYS.openai,
      ANTHROPIC_API_KEY: KEYS.anthropic,
      GEMINI_API_KEY: KEYS.gemini,
      MISTRAL_API_KEY: KEYS.mistral,
      AZURE_OPENAI_API_KEY: KEYS.azure,
      AWS_ACCESS_KEY_ID: KEYS.awsId,
      AWS_SECRET_ACCESS_KEY: KEYS.awsSecret,
      AWS_REGION: REGION,
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
    },
  });
  const vertexCalls = (publisher: string) => () =>
    vertex.requests.filter((r) => r.path.includes(`/publishers/${publisher}/`)).map((r) => ({ path: r.path, headers: r.headers, body: asObject(r.body) }));
  const targets: Target[] = [
    {
      name: 'openai', provider: 'openai', model: 'openai/gpt-4o-mini', native: true, limitKey: 'max_output_tokens', forcesTool: true,
      requests: () => openai.requests.map((r) => ({ path: r.path, headers: r.headers, raw: r.body, body: asObject(r.body ? JSON.parse(r.body) : {}) })),
    },
    {
      name: 'anthropic', provider: 'anthropic', model: 'anthropic/claude-haiku-4-5', native: false, limitKey: 'max_tokens', forcesTool: true,
      requests: () => anthropic.requests.map((r) => ({ path: r.path, headers: r.headers, body: asObject(r.body) })),
    },
    {
      name: 'gemini', provider: 'gemini', model: 'gemini/gemini-2.5-flash', native: false, limitKey: 'maxOutputTokens', forcesTool: true,
      requests: () => gemini.requests.map((r) => ({ path: r.path, headers: r.headers, body: asObject(r.body) })),
    },
    {
      name: 'bedrock', provider: 'bedrock', model: 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', native: false, limitKey: 'maxTokens', forcesTool: true,
      requests: () => bedrock.requests.map((r) => ({ path: r.path, headers: r.headers, raw: r.body, body: asObject(r.json) })),
    },
    {
      name: 'mistral', provider: 'mistral', model: 'mistral/mistral-small-latest', native: false, limitKey: 'max_tokens', forcesTool: true,
      requests: () => mistral.requests.map((r) => ({ path: r.path, headers: r.headers, body: asObject(r.body) })),
    },
    {
      name: 'ollama', provider: 'ollama', model: 'ollama/llama3.2', native: false, limitKey: 'max_tokens', forcesTool: false,
      requests: () => ollama.requests.map((r) => ({ path: r.path, headers: r.headers, body: asObject(r.body) })),
    },
    {
      name: 'azure', provider: 'azure', model: 'azure/gpt-4o-mini', native: true, limitKey: 'max_output_tokens', forcesTool: true,
      requests: () => azure.requests.map((r) => ({ path: r.path, headers: r.headers, body: asObject(r.body) })),
    },
    { name: 'vertex', provider: 'vertex', model: 'vertex/gemini-2.5-flash', native: false, limitKey: 'maxOutputTokens', forcesTool: true, requests: vertexCalls('google') },
    { name: 'vertex-claude', provider: 'vertex', model: 'vertex/claude-sonnet-4-5@20250929', native: false, limitKey: 'max_tokens', forcesTool: true, requests: vertexCalls('anthropic') },
  ];
  return {
    gw,
    targets,
    openai,
    anthropic,
    gemini,
    bedrock,
    mistral,
    ollama,
    azure,
    vertex,
    target(name) {
      const found = targets.find((t) => t.name === name);
      if (!found) throw new Error(`no target ${name}`);
      return found;
    },
    routerUrl: (id) => `${gw.url}/router/${id}/v1`,
    async close() {
      await gw.close();
      await Promise.all([openai, anthropic, gemini, bedrock, mistral, ollama, azure, vertex].map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The last request a target's simulator received (fails the test when there is none). */
export function lastUpstream(target: Target): UpstreamRequest {
  const last = target.requests().at(-1);
  if (!last) throw new Error(`${target.name} received no request`);
  return last;
}

/** The first value under `key` anywhere in `value` (depth first), or undefined. */
export function findKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = findKey(v, key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (key in record) return record[key];
  for (const v of Object.values(record)) {
    const found = findKey(v, key);
    if (found !== undefined) return found;
  }
  return undefined;
}
