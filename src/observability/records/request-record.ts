/**
 * One finished request as the operator sees it: who asked, which provider and credential
 * answered, what it cost, how long it took, and every attempt on the way. Built from the
 * pipeline's events once the response is over (request-recorder.ts), then handed to the record
 * sinks: the audit log, metrics, alerts. Never holds a secret: credentials appear as their source
 * and fingerprint only.
 */
import type { Endpoint } from '../../core/pipeline-events.js';

/**
 * Token counts in OpenAI's convention: `input_tokens` counts every input token (cache reads and
 * cache writes included; `cached_tokens` and `cache_write_tokens` are those parts), and
 * `output_tokens` includes `reasoning_tokens`.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
}

/** A price for one request, and where it came from. */
export interface PricedUsage {
  /** Null when the model's price is unknown — never 0 for "unknown". */
  cost_usd: number | null;
  /** `genai-prices@<version>`, `config`, or null when unpriced. */
  price_source: string | null;
}

export interface AttemptRecord {
  attempt: number;
  provider: string;
  /** `env:OPENAI_API_KEY …abcd`: the credential's source and fingerprint. */
  provider_key: string;
  /** The model sent upstream. */
  model: string;
  /** The provider's HTTP status, or null when it was never reached (connection failure). */
  status: number | null;
  /** True when this attempt's answer went to the client. */
  ok: boolean;
  error_code: string | null;
  error: string | null;
  /** From sending to the provider's response headers (or the failure). */
  upstream_ms: number;
}

export type RequestOutcome = 'ok' | 'error' | 'interrupted' | 'client_gone';

export type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'passthrough';

export interface RequestRecord {
  /** ISO 8601, when the request arrived. */
  time: string;
  request_id: string;
  /** The gateway key's name, once gateway keys exist; else null. */
  gateway_key: string | null;
  /** The router id, `/ai` for the unified API, null for passthrough. */
  router: string | null;
  endpoint: Endpoint | 'passthrough';
  dialect: Dialect;
  stream: boolean;
  /** The model as the client named it (null for passthrough requests without one). */
  model_requested: string | null;
  /** Who answered (the last attempt's provider when none did). */
  provider: string | null;
  /** The model the provider was sent. */
  model: string | null;
  provider_key: string | null;
  /** The status the client got; 499 when it left before any. */
  status: number;
  outcome: RequestOutcome;
  error_code: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  cache_write_tokens: number | null;
  reasoning_tokens: number | null;
  /** True when the answer was cut off: the token counts are what was streamed. */
  incomplete: boolean;
  cost_usd: number | null;
  price_source: string | null;
  latency_ms: number;
  first_byte_ms: number | null;
  /** Time spent in the gateway itself: latency to the first byte less the upstream waits. */
  overhead_ms: number | null;
  attempts: AttemptRecord[];
  /** `hit` / `miss` once a response cache exists; null until then. */
  cache: 'hit' | 'miss' | null;
  /** Only with `audit.bodies: true`. */
  request_body?: string;
  response_body?: string;
}

/** Where finished records go. `write` must not block: queue, and do the work later. */
export interface RecordSink {
  write(record: RequestRecord): void;
  /** Writes what is queued (shutdown); resolves when done. */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}

/** Prices token usage (cost-engine.ts). */
export interface PriceBook {
  price(provider: string, model: string, usage: TokenUsage): PricedUsage;
}
