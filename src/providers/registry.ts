/** Adapter family → adapter. Adapters are stateless, so one instance serves every provider of a kind. */
import type { AdapterKind } from '../config/embedded/providers.js';
import type { ProviderAdapter } from './types.js';
import { createOpenAICompatibleAdapter } from './openai-compatible/adapter.js';
import { createAnthropicAdapter } from './anthropic/index.js';
import { createGeminiAdapter } from './gemini/index.js';
import { createBedrockAdapter } from './bedrock/index.js';
import { createMistralAdapter } from './mistral/index.js';
import { createOllamaAdapter } from './ollama/index.js';
import { createAzureAdapter } from './azure/index.js';
import { createVertexAdapter } from './vertex/index.js';
import { refuseUnsupportedParameters, type ParameterFamily } from './parameter-policy.js';

/**
 * Every chat request passes the parameter table (parameter-policy.ts) before its adapter builds
 * anything: one place refuses unsupported parameters, the same way for every provider.
 */
function withParameterPolicy(kind: ParameterFamily, adapter: ProviderAdapter): ProviderAdapter {
  if (kind === 'openai-compatible') return adapter;
  const build = adapter.chat.buildRequest;
  return {
    ...adapter,
    chat: {
      ...adapter.chat,
      buildRequest(req, target) {
        refuseUnsupportedParameters(req, kind, target.provider.name);
        return build(req, target);
      },
    },
  };
}

const adapters: Record<AdapterKind, ProviderAdapter> = {
  'openai-compatible': createOpenAICompatibleAdapter(),
  anthropic: withParameterPolicy('anthropic', createAnthropicAdapter()),
  gemini: withParameterPolicy('gemini', createGeminiAdapter()),
  bedrock: withParameterPolicy('bedrock', createBedrockAdapter()),
  mistral: withParameterPolicy('mistral', createMistralAdapter()),
  ollama: withParameterPolicy('ollama', createOllamaAdapter()),
  // OpenAI's dialect on Azure's paths: every OpenAI parameter goes up as sent, like openai-compatible.
  azure: createAzureAdapter(),
  // Vertex applies the parameter table itself: its column depends on the model's publisher.
  vertex: createVertexAdapter(),
};

export function adapterFor(kind: AdapterKind): ProviderAdapter {
  return adapters[kind];
}
