/**
 * The contract between the core and one provider adapter.
 *
 * An adapter is a small typed object: it builds the native request from the canonical one,
 * applies credentials, parses native responses, translates native streams with a state machine,
 * and maps native errors. It does no I/O of its own — the core owns sockets, timeouts and retries.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from '../core/chat-types.js';
import type { GatewayError } from '../core/gateway-error.js';

/** Credentials as the secrets module hands them over. Never logged, never echoed. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'api-key'; key: string }
  | { kind: 'aws'; accessKeyId: string; secretAccessKey: string; sessionToken?: string; region: string }
  | OAuthCredentials;

/**
 * A bearer token that expires (Google service accounts, Application Default Credentials).
 * `token()` answers synchronously while the cached token is fresh, so the hot path awaits
 * nothing; it returns a promise only when a refresh must finish first.
 */
export interface OAuthCredentials {
  kind: 'oauth';
  /** Where the credentials come from, for the startup table and errors (a path, never contents). */
  readonly source: string;
  token(): string | Promise<string>;
  /** Called with each new token, so the gateway can keep it out of relayed responses too. */
  onToken?(listener: (token: string) => void): void;
}

/** A configured provider, compiled once at startup. */
export interface ProviderRuntime {
  /** Name as written in the config (`openai`, `anthropic`, `my-vllm`). */
  readonly name: string;
  readonly adapter: ProviderAdapter;
  /** Base URL, always ending in `/`. */
  readonly baseUrl: URL;
  /** `anthropic-version` and similar API versions. */
  readonly version?: string;
  /** AWS region for Bedrock. */
  readonly region?: string;
  /** Google Cloud project and location for Vertex AI. */
  readonly project?: string;
  readonly location?: string;
  /** Models this provider is known to serve (drives model mapping). */
  readonly models: readonly string[];
  /** Azure OpenAI: model → deployment name (`providers.azure.deployments`). */
  readonly deployments?: ReadonlyMap<string, string>;
  /** Azure OpenAI: `api-version` for deployment paths. */
  readonly apiVersion?: string;
}

/** One upstream HTTP request, before or after credentials are applied. */
export interface UpstreamRequest {
  method: 'POST' | 'GET';
  /** `https://host:port` — one keep-alive pool per origin. */
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

/** What a single attempt against one provider needs to know. */
export interface ChatTarget {
  provider: ProviderRuntime;
  /** Model id to send upstream (after model mapping). */
  model: string;
  stream: boolean;
  /** The client asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Gateway request id, usable as a fallback response id. */
  requestId: string;
  /** The client's body bytes; OpenAI-dialect adapters may forward them untouched. */
  rawBody?: Buffer;
  /** True when `model` differs from the model in `rawBody`. */
  modelRewritten: boolean;
}

/** Receives what a stream translator produces, in order. */
export interface StreamSink {
  chunk(chunk: ChatCompletionChunk): void;
  /** A provider error event mid-stream: the core sends it as an error event and closes. */
  error(error: GatewayError): void;
}

/**
 * Translates one native response stream into canonical chunks.
 * It owns its framing (SSE, NDJSON, AWS event stream) and is a state machine over parsed events.
 * It must emit: a role chunk first, content / tool-call deltas (tool-call `index` counts calls
 * from 0), the finish chunk, then always one usage chunk (`choices: []`) when usage is known —
 * the core drops that one when the client did not ask for usage.
 */
export interface StreamTranslator {
  write(bytes: Buffer): void;
  /** The upstream body ended. Emits whatever is still pending (finish, usage). */
  end(): void;
}

export interface ChatCapability {
  buildRequest(req: ChatRequest, target: ChatTarget): UpstreamRequest;
  parseResponse(body: unknown, target: ChatTarget): ChatCompletion;
  createStreamTranslator(target: ChatTarget, sink: StreamSink): StreamTranslator;
}

export interface EmbeddingsTarget {
  provider: ProviderRuntime;
  model: string;
  requestId: string;
}

export interface EmbeddingsCapability {
  /**
   * Most text inputs one upstream call takes. A larger `input` array is split by the core into
   * several calls (run concurrently) whose results are merged in order.
   */
  readonly maxInputs?: number;
  buildRequest(req: EmbeddingsRequest, target: EmbeddingsTarget): UpstreamRequest;
  /** Always returns float vectors; the core encodes base64 when the client asked for it. */
  parseResponse(body: unknown, target: EmbeddingsTarget): EmbeddingsResponse;
}

/** What a native attempt needs: the body goes up as the client sent it (model replaced if mapped). */
export interface NativeTarget {
  provider: ProviderRuntime;
  model: string;
  stream: boolean;
  /** The client's body, parsed (for endpoints that must reshape it, as Vertex does). */
  parsed: Readonly<Record<string, unknown>>;
  /** Client headers the endpoint honours (`anthropic-version`, `anthropic-beta`), when sent. */
  clientHeaders?: Readonly<Record<string, string>>;
}

/**
 * An endpoint the provider serves in the client's own dialect (Anthropic Messages to Anthropic,
 * Responses to OpenAI): the request needs only a path and credentials, the answer is piped.
 */
export interface NativeEndpoint {
  /** Whether this provider and model serve the endpoint natively (default yes). */
  serves?(provider: ProviderRuntime, model: string): boolean;
  buildRequest(body: Buffer | string, target: NativeTarget): UpstreamRequest;
}

/** The endpoint when this provider and model answer it natively, else undefined. */
export function nativeFor(endpoint: NativeEndpoint | undefined, provider: ProviderRuntime, model: string): NativeEndpoint | undefined {
  return endpoint && (endpoint.serves?.(provider, model) ?? true) ? endpoint : undefined;
}

/** Client dialects other than OpenAI chat that a provider may answer natively. */
export interface NativeEndpoints {
  messages?: NativeEndpoint;
  countTokens?: NativeEndpoint;
  responses?: NativeEndpoint;
}

export interface ProviderAdapter {
  /** Adapter family, for logs and docs: `openai-compatible`, `anthropic`, `gemini`, `bedrock`. */
  readonly kind: string;
  readonly native?: NativeEndpoints;
  /**
   * True when the provider answers in the OpenAI chat dialect exactly, so non-streaming bodies
   * and SSE can be piped to the client byte for byte.
   */
  readonly pipesChat: boolean;
  readonly chat: ChatCapability;
  readonly embeddings?: EmbeddingsCapability;
  /**
   * Adds credentials to a built request (headers, or a SigV4 signature over the final bytes).
   * May return a promise (signing); the core awaits it only then.
   */
  authorize(req: UpstreamRequest, credentials: Credentials, provider: ProviderRuntime): void | Promise<void>;
  /** Turns a native error response into a GatewayError that keeps the status and retry hint. */
  mapError(status: number, headers: IncomingHttpHeaders, body: string, provider: ProviderRuntime): GatewayError;
}
