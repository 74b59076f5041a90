/** Adapter family → adapter. Adapters are stateless, so one instance serves every provider of a kind. */
import type { AdapterKind } from '../config/embedded/providers.js';
import type { ProviderAdapter } from './types.js';
import { createOpenAICompatibleAdapter } from './openai-compatible/adapter.js';
import { createAnthropicAdapter } from './anthropic/index.js';
import { createGeminiAdapter } from './gemini/index.js';
import { createBedrockAdapter } from './bedrock/index.js';
import { createMistralAdapter } from './mistral/index.js';
import { createOllamaAdapter } from './ollama/index.js';

const adapters: Record<AdapterKind, ProviderAdapter> = {
  'openai-compatible': createOpenAICompatibleAdapter(),
  anthropic: createAnthropicAdapter(),
  gemini: createGeminiAdapter(),
  bedrock: createBedrockAdapter(),
  mistral: createMistralAdapter(),
  ollama: createOllamaAdapter(),
};

export function adapterFor(kind: AdapterKind): ProviderAdapter {
  return adapters[kind];
}
