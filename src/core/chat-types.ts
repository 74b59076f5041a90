/**
 * Canonical chat types: the OpenAI chat-completions shape, typed.
 * Every ingress dialect decodes into these and every provider adapter starts from them,
 * so OpenAI-dialect traffic needs no conversion at all. The decoder
 * (ingress/openai-chat/check-chat-request.ts) checks each typed field, so adapters can rely on
 * these types; `null` stands for "unset" on every optional parameter.
 */

/** `function` belongs to the legacy functions API: forwarded to OpenAI dialects, refused elsewhere. */
export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Parts the gateway does not translate itself (audio, files) are kept as they came. */
export interface OtherPart {
  type: string;
  [key: string]: unknown;
}

export type ContentPart = TextPart | ImagePart | OtherPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[] | null;
  tool_call_id?: string;
  refusal?: string | null;
  /** Legacy functions API (assistant turn). */
  function_call?: { name: string; arguments?: string } | null;
}

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string };
    };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  tools?: FunctionTool[] | null;
  tool_choice?: ToolChoice | null;
  parallel_tool_calls?: boolean | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  seed?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  response_format?: ResponseFormat | null;
  user?: string | null;
  reasoning_effort?: string | null;
  logit_bias?: Record<string, number> | null;
  metadata?: Record<string, string> | null;
  store?: boolean | null;
  service_tier?: string | null;
  modalities?: string[] | null;
  /** Parameters the parameter table names but no adapter reads (refused or dropped). */
  audio?: Record<string, unknown> | null;
  prediction?: Record<string, unknown> | null;
  web_search_options?: Record<string, unknown> | null;
  verbosity?: string | null;
  prompt_cache_key?: string | null;
  safety_identifier?: string | null;
  functions?: Array<{ name: string; description?: string; parameters?: Record<string, unknown> }> | null;
  function_call?: 'none' | 'auto' | { name: string } | null;
  [key: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cache_write_tokens`: Anthropic's and Bedrock's cache writes (part of `prompt_tokens`, priced apart). */
  prompt_tokens_details?: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      refusal?: null;
      tool_calls?: ToolCall[];
      /** Thinking text of a reasoning model (the field name DeepSeek and others use). */
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
  usage?: Usage;
  system_fingerprint?: string | null;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkChoice {
  index: number;
  /** A field added here must also be checked by the encoder's content-only shortcut (encode.ts). */
  delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[]; reasoning_content?: string };
  logprobs?: null;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
}

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64' | null;
  dimensions?: number | null;
  user?: string | null;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
