/**
 * Providers the gateway knows by name: their API family, default base URL and the models
 * each is known to serve. Helicone's names and base URLs, so its configs work unchanged.
 * Model lists drive model mapping only — a model missing here still passes through on `/ai`.
 */
export type AdapterKind = 'openai-compatible' | 'anthropic' | 'gemini' | 'bedrock' | 'ollama' | 'mistral' | 'azure' | 'vertex';

export interface KnownProvider {
  kind: AdapterKind;
  /** Undefined when every customer has their own host (Azure's resource URL): the config gives it. */
  baseUrl: string | undefined;
  models: string[];
  version?: string;
}

export const KNOWN_PROVIDERS: Record<string, KnownProvider> = {
  openai: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.openai.com/',
    models: [
      'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano',
      'gpt-4o', 'gpt-4o-mini', 'o3', 'o3-mini', 'o4-mini',
      'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002',
    ],
  },
  anthropic: {
    kind: 'anthropic',
    baseUrl: 'https://api.anthropic.com/',
    version: '2023-06-01',
    models: [
      'claude-opus-4-5', 'claude-opus-4-1', 'claude-opus-4-0', 'claude-sonnet-4-5', 'claude-sonnet-4-0',
      'claude-haiku-4-5', 'claude-3-7-sonnet-latest', 'claude-3-5-haiku-latest',
    ],
  },
  gemini: {
    kind: 'gemini',
    baseUrl: 'https://generativelanguage.googleapis.com/',
    models: [
      'gemini-3-pro-preview', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite',
      'gemini-2.0-flash', 'gemini-2.0-flash-lite', 'gemini-embedding-001', 'text-embedding-004',
    ],
  },
  bedrock: {
    kind: 'bedrock',
    baseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com/',
    models: [
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      'us.anthropic.claude-3-5-haiku-20241022-v1:0', 'us.amazon.nova-pro-v1:0', 'us.amazon.nova-lite-v1:0',
      'us.meta.llama3-3-70b-instruct-v1:0', 'amazon.titan-embed-text-v2:0',
    ],
  },
  vertex: {
    kind: 'vertex',
    // The endpoint follows the location (compile.ts); this is the global one.
    baseUrl: 'https://aiplatform.googleapis.com/',
    models: [
      'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.0-flash',
      'claude-sonnet-4-5@20250929', 'claude-haiku-4-5@20251001', 'claude-opus-4-1@20250805', 'gemini-embedding-001',
    ],
  },
  mistral: {
    kind: 'mistral',
    baseUrl: 'https://api.mistral.ai/',
    models: [
      'mistral-large-latest', 'mistral-medium-latest', 'mistral-small-latest', 'ministral-8b-latest',
      'codestral-latest', 'mistral-embed',
    ],
  },
  ollama: {
    kind: 'ollama',
    baseUrl: 'http://localhost:11434/',
    models: ['llama3.2', 'llama3.1', 'qwen2.5', 'mistral', 'gemma3', 'nomic-embed-text'],
  },
  // Azure OpenAI serves OpenAI's models under the customer's resource URL.
  azure: {
    kind: 'azure',
    baseUrl: undefined,
    models: ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o3-mini', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large'],
  },
  groq: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.groq.com/openai/',
    models: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-120b'],
  },
  deepseek: { kind: 'openai-compatible', baseUrl: 'https://api.deepseek.com/', models: ['deepseek-chat', 'deepseek-reasoner'] },
  xai: { kind: 'openai-compatible', baseUrl: 'https://api.x.ai/', models: ['grok-4', 'grok-3', 'grok-3-mini'] },
  hyperbolic: {
    kind: 'openai-compatible',
    baseUrl: 'https://api.hyperbolic.xyz/',
    models: ['meta-llama/Llama-3.3-70B-Instruct', 'deepseek-ai/DeepSeek-V3'],
  },
};
