/**
 * The span attribute names and values the traces use. GenAI names follow the OpenTelemetry
 * semantic conventions v1.45.0 (`@opentelemetry/semantic-conventions` 1.45.0, pinned in
 * package.json): they are copied here, not imported, because that package's incubating entry
 * point may rename them in a minor release — test/observability/tracing/semconv.test.ts checks
 * each copy against the pinned package. Stable HTTP names come from the same version. Ours are
 * under `ai_gateway.*`.
 */
import type { Endpoint } from '../../core/pipeline-events.js';

export const SEMCONV_VERSION = '1.45.0';

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
} as const;

export const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ERROR_TYPE = 'error.type';
export const SERVER_ADDRESS = 'server.address';
export const SERVER_PORT = 'server.port';
export const SERVICE_NAME = 'service.name';

/** Ours: what a GenAI convention has no name for. */
export const GATEWAY = {
  requestId: 'ai_gateway.request_id',
  router: 'ai_gateway.router',
  endpoint: 'ai_gateway.endpoint',
  dialect: 'ai_gateway.dialect',
  /** The provider as the config names it (`gen_ai.provider.name` is OTel's name for it). */
  provider: 'ai_gateway.provider',
  attempt: 'ai_gateway.attempt',
  attempts: 'ai_gateway.attempts',
  /** The credential's source and fingerprint (`env:OPENAI_API_KEY …abcd`), never the key. */
  credential: 'ai_gateway.credential',
  mode: 'ai_gateway.mode',
  outcome: 'ai_gateway.outcome',
  errorCode: 'ai_gateway.error_code',
  usageIncomplete: 'ai_gateway.usage.incomplete',
  firstByteEvent: 'ai_gateway.first_byte',
} as const;

/** `gen_ai.operation.name` per endpoint: Messages and Responses are chats too. */
const OPERATIONS: Record<Endpoint, string> = {
  chat: 'chat',
  messages: 'chat',
  responses: 'chat',
  embeddings: 'embeddings',
  // No GenAI operation counts tokens; the convention allows a system-specific name.
  count_tokens: 'count_tokens',
  // A relayed request whose body is not read: what it does is the provider's path.
  passthrough: 'passthrough',
  other: 'other',
};

export function operationName(endpoint: Endpoint): string {
  return OPERATIONS[endpoint] ?? endpoint;
}

/** OTel's well-known `gen_ai.provider.name` values for the providers we know by name. */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  mistral: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  perplexity: 'perplexity',
  cohere: 'cohere',
};

/** A provider with no well-known value keeps the name the config gives it (`ollama`, `my-llm`). */
export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** The span name the GenAI convention asks for: `{operation} {model}`. */
export function spanName(operation: string, model: string): string {
  return model ? `${operation} ${model}` : operation;
}
