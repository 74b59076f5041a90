/**
 * The request pipeline's typed events: what the audit log, metrics, limits and cache subscribe
 * to. Observers are called synchronously and must not block — they queue what they need and do
 * the work later, off the request path. Nothing is built when nobody listens (`active`).
 */
import type { Usage } from './chat-types.js';
import type { GatewayError } from './gateway-error.js';

/**
 * The API a request came in on (`passthrough`: `/{provider}/…`, relayed as it came; `other`: a
 * path that is no endpoint, refused).
 */
export type Endpoint = 'chat' | 'embeddings' | 'messages' | 'count_tokens' | 'responses' | 'passthrough' | 'other';

/** How an attempt's answer reaches the client. */
export type AnswerMode = 'piped' | 'translated' | 'local';

export interface RequestReceived {
  type: 'request';
  requestId: string;
  endpoint: Endpoint;
  /** The router's id, `/ai` for the unified API (the root `/v1` included), null for passthrough. */
  route: string | null;
  /** The model as the client named it (null on passthrough, whose body is not read). */
  model: string | null;
  stream: boolean;
  /** The client API: `openai-chat`, `openai-responses`, `anthropic-messages`, `passthrough`. */
  dialect: string;
  /** The client's W3C `traceparent`, when it sent one. */
  traceparent?: string;
  /** The request body, only when the audit log stores bodies (`audit.bodies`). */
  body?: string;
  /** Wall clock (Date.now()) when the request arrived. */
  time: number;
  /** `performance.now()` when the request arrived (span clocks). */
  startedAt: number;
  /** Monotonic clock, milliseconds. */
  at: number;
}

export interface AttemptStarted {
  type: 'attempt_start';
  requestId: string;
  attempt: number;
  provider: string;
  /** The model sent upstream. */
  model: string;
  /** Which credential the attempt spends (`env:OPENAI_API_KEY`); never the secret. */
  credential: string;
  mode: AnswerMode;
  at: number;
}

export interface AttemptEnded {
  type: 'attempt_end';
  requestId: string;
  attempt: number;
  provider: string;
  credential: string;
  /** True when this attempt's answer went to the client. */
  ok: boolean;
  /** The status of the attempt: the provider's when it answered, else the failure's mapped one. */
  status?: number;
  /** The provider's own HTTP status; absent when it was never reached (connection failure, timeout). */
  upstreamStatus?: number;
  /** Set when the attempt failed before anything reached the client. */
  error?: GatewayError;
  /** From sending to the provider's response headers (or the failure). */
  upstreamMs: number;
  at: number;
}

export interface FirstByte {
  type: 'first_byte';
  requestId: string;
  provider: string;
  /** Since the request was received. */
  ms: number;
}

export interface UsageReported {
  type: 'usage';
  requestId: string;
  provider: string;
  model: string;
  usage: Usage;
  /** The answer was cut off: the counts are what was streamed (output estimated). */
  incomplete?: boolean;
  /** False when the input count is unknown (a stream cut off before the provider said). */
  inputKnown?: boolean;
}

/** What the client was sent, only when the audit log stores bodies (`audit.bodies`). */
export interface ResponseBody {
  type: 'response_body';
  requestId: string;
  body: string;
}

/** A provider's health changed (ejected after errors, or back in service). */
export interface HealthChanged {
  type: 'health';
  provider: string;
  state: 'ejected' | 'recovered' | 'rate-limited';
  at: number;
}

export interface RequestDone {
  type: 'done';
  requestId: string;
  /** The status the client got (499 when it left before any). */
  status: number;
  provider?: string;
  attempts: number;
  /** `ok`, `error`, `interrupted` (started, then cut off) or `client_gone`. */
  outcome: 'ok' | 'error' | 'interrupted' | 'client_gone';
  /** The error code the client got, when it got an error. */
  errorCode: string | null;
  ms: number;
}

export type PipelineEvent = RequestReceived | AttemptStarted | AttemptEnded | FirstByte | UsageReported | ResponseBody | HealthChanged | RequestDone;

export type PipelineObserver = (event: PipelineEvent) => void;

export class PipelineEvents {
  private observers: PipelineObserver[] = [];

  /** Whether anyone listens: callers skip building events when not. */
  get active(): boolean {
    return this.observers.length > 0;
  }

  /** Returns the function that unsubscribes. */
  subscribe(observer: PipelineObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  emit(event: PipelineEvent): void {
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) {
      try {
        observers[i](event);
      } catch {
        // An observer's bug must not break the request that reported to it.
      }
    }
  }
}
