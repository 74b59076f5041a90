/**
 * What the gateway reads of an Anthropic Messages request body (client → gateway). Block and
 * tool shapes are the provider adapter's (providers/anthropic/anthropic-api-types.ts); this adds
 * what only arrives from clients: `cache_control`, thinking blocks, tool-result images, `thinking`.
 */
import type {
  AnthropicImageBlock,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolUseBlock,
} from '../../providers/anthropic/anthropic-api-types.js';

/** Prompt caching hints: no other provider can honour them and the answer is the same without. */
export interface CacheControl {
  cache_control?: { type: 'ephemeral'; ttl?: string } | null;
}

export type InboundTextBlock = AnthropicTextBlock & CacheControl;
export type InboundImageBlock = AnthropicImageBlock & CacheControl;

export interface InboundThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature?: string;
}

export interface InboundToolResultBlock extends CacheControl {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<InboundTextBlock | InboundImageBlock>;
  is_error?: boolean;
}

export type InboundBlock =
  | InboundTextBlock
  | InboundImageBlock
  | InboundThinkingBlock
  | { type: 'redacted_thinking'; data: string }
  | (AnthropicToolUseBlock & CacheControl)
  | InboundToolResultBlock;

export interface InboundMessage {
  role: 'user' | 'assistant';
  content: string | InboundBlock[];
}

export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };

export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: InboundMessage[];
  system?: string | InboundTextBlock[];
  tools?: Array<AnthropicTool & CacheControl & { type?: string }>;
  tool_choice?: AnthropicToolChoice;
  thinking?: ThinkingConfig;
  metadata?: { user_id?: string | null };
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
}
