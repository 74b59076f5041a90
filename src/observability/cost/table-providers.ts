/**
 * Our provider names → the price table's provider ids, and the model name as the table matches
 * it. Only the providers whose prices the table holds are listed: anything else — Ollama (local,
 * no price to pay upstream and none in the table) and custom OpenAI-compatible providers (any
 * host, any price) — is unpriced unless the config prices it, never guessed from the model name.
 */
const TABLE_PROVIDER: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  // AI Studio and Vertex share the table's Google entry: Gemini by name, Claude on Vertex
  // (`claude-sonnet-4-5@20250929`) from its own Vertex rows, falling back to Anthropic's.
  gemini: 'google',
  vertex: 'google',
  // Ids as Bedrock takes them: `us.anthropic.claude-…-v1:0` (regional profiles, priced as such),
  // `global.…`, `amazon.nova-lite-v1:0`.
  bedrock: 'aws',
  // Azure's own rows for OpenAI's models, then OpenAI's; a deployment named otherwise is unknown.
  azure: 'azure',
  mistral: 'mistral',
  // Built-in OpenAI-compatible providers with a fixed public host.
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x-ai',
};

export function tableProvider(provider: string): string | undefined {
  return Object.hasOwn(TABLE_PROVIDER, provider) ? TABLE_PROVIDER[provider] : undefined;
}

/** Gemini clients may name a model by its resource path (`models/gemini-2.5-pro`). */
export function tableModel(model: string): string {
  return model.replace(/^(?:publishers\/[^/]+\/)?models\//, '');
}
