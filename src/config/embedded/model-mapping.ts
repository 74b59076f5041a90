/**
 * Equivalent models across providers, used when a router's chosen provider does not serve the
 * requested model. Each group lists one model per provider; any member maps to the others.
 * A router's own `model-mappings` replaces this table (Helicone's rule).
 */
const EQUIVALENT_GROUPS: string[][] = [
  // Small, fast, cheap.
  [
    'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'gemini/gemini-2.5-flash', 'mistral/mistral-small-latest',
    'ollama/llama3.2', 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'openai/gpt-4.1-mini', 'anthropic/claude-haiku-4-5', 'gemini/gemini-2.5-flash', 'mistral/mistral-small-latest',
    'ollama/llama3.2', 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'gemini/gemini-2.5-flash', 'mistral/mistral-medium-latest',
    'ollama/llama3.1', 'bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ],
  [
    'openai/gpt-4.1-nano', 'anthropic/claude-3-5-haiku-latest', 'gemini/gemini-2.5-flash-lite',
    'mistral/ministral-8b-latest', 'ollama/llama3.2', 'bedrock/us.amazon.nova-lite-v1:0',
  ],
  // Frontier.
  [
    'openai/gpt-4o', 'anthropic/claude-sonnet-4-5', 'gemini/gemini-2.5-pro', 'mistral/mistral-large-latest',
    'ollama/llama3.1', 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ],
  [
    'openai/gpt-4.1', 'anthropic/claude-sonnet-4-5', 'gemini/gemini-2.5-pro', 'mistral/mistral-large-latest',
    'ollama/llama3.1', 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ],
  [
    'openai/gpt-5', 'anthropic/claude-opus-4-5', 'gemini/gemini-3-pro-preview', 'mistral/mistral-large-latest',
    'ollama/llama3.1', 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ],
  // Embeddings.
  [
    'openai/text-embedding-3-small', 'gemini/gemini-embedding-001', 'mistral/mistral-embed',
    'ollama/nomic-embed-text', 'bedrock/amazon.titan-embed-text-v2:0',
  ],
];

/** `model name → [provider/model, …]`, in Helicone's `default-model-mapping` shape. */
export function defaultModelMapping(): Record<string, string[]> {
  const mapping: Record<string, string[]> = {};
  for (const group of EQUIVALENT_GROUPS) {
    for (const member of group) {
      const name = member.slice(member.indexOf('/') + 1);
      // The first group a model appears in is its primary equivalence.
      if (mapping[name]) continue;
      mapping[name] = group.filter((other) => other !== member);
    }
  }
  return mapping;
}
