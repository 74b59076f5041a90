/**
 * Every provider simulator that serves chat, started together, with the gateway config that
 * names them and one single-provider router per case (`r-<case>`), for the Messages tests:
 *
 *   const fleet = await startFleet();
 *   const gw = await startInProcess({ config: fleet.config(extraRouters), env: fleet.env });
 *   for (const c of CASES) …  c.router, c.model, c.lastBody(fleet), c.tool
 *   await fleet.close();
 *
 * Each case says what its simulator answers to a tool request (the tool's name and input), so a
 * test can check the Anthropic answer the gateway assembled from it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startAzureSimulator, type AzureSimulator } from '../simulators/azure.js';
import { startBedrockSimulator, type BedrockSimulator } from '../simulators/bedrock.js';
import { startGeminiSimulator, type GeminiSimulator } from '../simulators/gemini.js';
import { startMistralSimulator, type MistralSimulator } from '../simulators/mistral.js';
import { startOllamaSimulator, type OllamaSimulator } from '../simulators/ollama.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';
import { SIMULATED_TOOL_ARGUMENTS } from '../simulators/openai-tool-calls.js';
import { startVertexSimulator, type VertexSimulator } from '../simulators/vertex.js';

export const KEYS = {
  openai: 'test-openai-key-messages-0123456789ab',
  anthropic: 'test-anthropic-key-messages-0123456789',
  gemini: 'test-gemini-key-messages-0123456789abc',
  mistral: 'test-mistral-key-messages-0123456789a',
  azure: 'test-azure-key-messages-0123456789abcd',
  awsId: 'TESTACCESSKEYMSG0123',
  awsSecret: 'test-aws-secret-messages-0123456789abcdef',
};
export const REGION = 'us-west-2';
const VERTEX_PROJECT = 'messages-test-project';
const VERTEX_LOCATION = 'us-east5';

export interface Fleet {
  openai: OpenAISimulator;
  anthropic: AnthropicSimulator;
  gemini: GeminiSimulator;
  bedrock: BedrockSimulator;
  mistral: MistralSimulator;
  ollama: OllamaSimulator;
  azure: AzureSimulator;
  vertex: VertexSimulator;
  env: Record<string, string>;
  /** The providers block, one router per case, then `extra` (more routers, indented two spaces). */
  config(extra?: string): string;
  close(): Promise<void>;
}

/** The tool_use the recorded Anthropic stream (and message) carries: `json` with the recorded input. */
async function recordedAnthropicToolInput(): Promise<unknown> {
  const lines = (await readFile(new URL('../fixtures/recorded/anthropic/anthropic-json-tool.1.chunks.txt', import.meta.url), 'utf8')).split('\n');
  let json = '';
  for (const line of lines) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as { type: string; delta?: { type?: string; partial_json?: string } };
    if (e.type === 'content_block_delta' && e.delta?.type === 'input_json_delta') json += e.delta.partial_json ?? '';
  }
  return JSON.parse(json);
}

export interface ProviderCase {
  /** Case name; its router is `r-<name>`. */
  name: string;
  provider: string;
  /** The model the client names (the provider serves it, so it is sent as named). */
  model: string;
  /** Answered natively (Anthropic, and Claude on Vertex: the provider speaks Messages) rather than translated. */
  passthrough: boolean;
  /** The tool call the simulator answers with, when offered WEATHER_TOOL. */
  tool: { name: string; input: unknown };
  /** The JSON body of the simulator's latest request. */
  lastBody(fleet: Fleet): unknown;
  /** How many requests the simulator has received. */
  count(fleet: Fleet): number;
}

const parsed = (body: unknown): unknown => (typeof body === 'string' ? JSON.parse(body) : body);

export async function providerCases(): Promise<ProviderCase[]> {
  const anthropicInput = await recordedAnthropicToolInput();
  return [
    {
      name: 'openai',
      provider: 'openai',
      model: 'gpt-4o-mini',
      passthrough: false,
      tool: { name: 'weather', input: JSON.parse(SIMULATED_TOOL_ARGUMENTS) },
      lastBody: (f) => parsed(f.openai.requests.at(-1)?.body),
      count: (f) => f.openai.requests.length,
    },
    {
      name: 'anthropic',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      passthrough: true,
      tool: { name: 'json', input: anthropicInput },
      lastBody: (f) => f.anthropic.requests.at(-1)?.body,
      count: (f) => f.anthropic.requests.length,
    },
    {
      name: 'gemini',
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      passthrough: false,
      tool: { name: 'weather', input: { location: 'San Francisco' } },
      lastBody: (f) => f.gemini.requests.at(-1)?.body,
      count: (f) => f.gemini.requests.length,
    },
    {
      name: 'bedrock',
      provider: 'bedrock',
      model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      passthrough: false,
      tool: { name: 'weather', input: { location: 'Paris', unit: 'celsius' } },
      lastBody: (f) => f.bedrock.requests.at(-1)?.json,
      count: (f) => f.bedrock.requests.length,
    },
    {
      name: 'mistral',
      provider: 'mistral',
      model: 'mistral-small-latest',
      passthrough: false,
      tool: { name: 'weather', input: { location: 'San Francisco' } },
      lastBody: (f) => f.mistral.requests.at(-1)?.body,
      count: (f) => f.mistral.requests.length,
    },
    {
      name: 'ollama',
      provider: 'ollama',
      model: 'llama3.2',
      passthrough: false,
      tool: { name: 'weather', input: { city: 'Paris' } },
      lastBody: (f) => f.ollama.requests.at(-1)?.body,
      count: (f) => f.ollama.requests.length,
    },
    {
      name: 'azure',
      provider: 'azure',
      model: 'gpt-4o-mini',
      passthrough: false,
      tool: { name: 'get_weather', input: { city: 'Paris' } },
      lastBody: (f) => f.azure.requests.at(-1)?.body,
      count: (f) => f.azure.requests.length,
    },
    {
      name: 'vertex-gemini',
      provider: 'vertex',
      model: 'gemini-2.5-flash',
      passthrough: false,
      tool: { name: 'weather', input: { location: 'San Francisco' } },
      lastBody: (f) => f.vertex.requests.at(-1)?.body,
      count: (f) => f.vertex.requests.length,
    },
    {
      name: 'vertex-claude',
      provider: 'vertex',
      model: 'claude-sonnet-4-5@20250929',
      passthrough: true,
      tool: { name: 'json', input: anthropicInput },
      lastBody: (f) => f.vertex.requests.at(-1)?.body,
      count: (f) => f.vertex.requests.length,
    },
  ];
}

export async function startFleet(): Promise<Fleet> {
  const [openai, anthropic, gemini, bedrock, mistral, ollama, azure, vertex] = await Promise.all([
    startOpenAISimulator({ apiKey: KEYS.openai }),
    startAnthropicSimulator({ apiKey: KEYS.anthropic }),
    startGeminiSimulator({ apiKey: KEYS.gemini }),
    startBedrockSimulator({ accessKeyId: KEYS.awsId, secretAccessKey: KEYS.awsSecret, region: REGION }),
    startMistralSimulator({ apiKey: KEYS.mistral }),
    startOllamaSimulator(),
    startAzureSimulator({ apiKey: KEYS.azure, deployments: ['gpt-4o-mini', 'gpt-4o'] }),
    startVertexSimulator({ project: VERTEX_PROJECT, location: VERTEX_LOCATION }),
  ]);
  const keyFile = await vertex.writeServiceAccountKey(await mkdtemp(join(tmpdir(), 'messages-vertex-')));
  const cases = await providerCases();
  const routers = cases.map((c) => `  r-${c.name}:\n    load-balance:\n      chat: { strategy: latency, providers: [${c.provider}] }\n`).join('');
  return {
    openai,
    anthropic,
    gemini,
    bedrock,
    mistral,
    ollama,
    azure,
    vertex,
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
    config: (extra = '') => `providers:
  openai: { base-url: "${openai.url}" }
  anthropic: { base-url: "${anthropic.url}" }
  gemini: { base-url: "${gemini.url}/" }
  bedrock: { base-url: "${bedrock.url}", region: ${REGION} }
  mistral: { base-url: "${mistral.url}" }
  ollama: { base-url: "${ollama.url}" }
  azure: { base-url: "${azure.url}" }
  vertex: { base-url: "${vertex.url}/", project: ${VERTEX_PROJECT}, location: ${VERTEX_LOCATION} }
routers:
${routers}${extra}`,
    close: async () => {
      await Promise.all([openai, anthropic, gemini, bedrock, mistral, ollama, azure, vertex].map((s) => s.close()));
    },
  };
}
