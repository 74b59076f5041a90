/**
 * The parts of the Bedrock Converse / ConverseStream and Titan wire formats the adapter reads
 * and writes. Only what is used is typed; unknown fields pass through untouched.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';
export type DocumentFormat = 'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md';

export interface ImageBlock {
  image: { format: ImageFormat; source: { bytes: string } };
}

export interface DocumentBlock {
  document: { format: DocumentFormat; name: string; source: { bytes: string } };
}

export interface ToolUseBlock {
  toolUse: { toolUseId: string; name: string; input: unknown };
}

export type ToolResultContent = { text: string } | ImageBlock;

export interface ToolResultBlock {
  toolResult: { toolUseId: string; content: ToolResultContent[]; status?: 'success' | 'error' };
}

export type ContentBlock = { text: string } | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock;

export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ConverseRequest {
  messages: BedrockMessage[];
  system?: Array<{ text: string }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: ToolSpec[]; toolChoice?: ToolChoice };
}

export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** A response content block; `reasoningContent` and others are read only to be skipped. */
export interface ResponseContentBlock {
  text?: string;
  toolUse?: { toolUseId: string; name: string; input?: unknown };
  [key: string]: unknown;
}

export interface ConverseResponse {
  output?: { message?: { role?: string; content?: ResponseContentBlock[] } };
  stopReason?: string;
  usage?: ConverseUsage;
}

/** ConverseStream event payloads, keyed by the `:event-type` header. */
export interface StreamEvents {
  messageStart: { role?: string };
  contentBlockStart: { contentBlockIndex: number; start?: { toolUse?: { toolUseId: string; name: string } } };
  contentBlockDelta: {
    contentBlockIndex: number;
    delta?: { text?: string; toolUse?: { input?: string }; reasoningContent?: unknown };
  };
  contentBlockStop: { contentBlockIndex: number };
  messageStop: { stopReason?: string };
  metadata: { usage?: ConverseUsage };
}

export interface TitanEmbeddingRequest {
  inputText: string;
  dimensions?: number;
  normalize?: boolean;
}

export interface TitanEmbeddingResponse {
  embedding?: number[];
  inputTextTokenCount?: number;
}
