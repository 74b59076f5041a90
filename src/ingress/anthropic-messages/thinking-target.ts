/**
 * Whether a translated target reasons, so Anthropic's `thinking` (an allowance, not a demand)
 * can become `reasoning_effort` there. Models that do not reason would refuse the parameter,
 * and answer the same without it, so for them thinking is simply not passed on.
 */
import type { ProviderRuntime } from '../../providers/types.js';

const OPENAI_REASONING = /^(o[1-9]|gpt-5)/;
const GEMINI_THINKING = /^gemini-(2\.5|[3-9])/;

export function reasons(provider: ProviderRuntime, model: string): boolean {
  const bare = model.slice(model.lastIndexOf('/') + 1);
  switch (provider.adapter.kind) {
    case 'openai-compatible':
    case 'azure':
      return OPENAI_REASONING.test(bare);
    case 'gemini':
    case 'vertex':
      return GEMINI_THINKING.test(bare);
    default:
      return false;
  }
}
