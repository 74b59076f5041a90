/**
 * The request pipeline's typed events: what the audit log, metrics, limits and cache subscribe
 * to. Observers are called synchronously and must not block — they queue what they need and do
 * the work later, off the request path. Nothing is built when nobody listens (`active`).
 */
import type { Usage } from './chat-types.js';
import type { GatewayError } from './gateway-error.js';

/** The API a request came in on. */
export type Endpoint = 'chat' | 'embeddings' | 'messages' | 'count_tokens' | 'responses';

/** How an attempt's answer reaches the client. */
export type AnswerMode = 'piped' | 'translated' | 'local';

export interface RequestReceived {
  type: 'request';
  requestId: string;
  endpoint: Endpoint;
  /** `Router "x"` or `/ai`. */
  route: string;
  /** The model as the client named it. */
  model: string;
  stream: boolean;
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
  /** Set when the attempt failed before anything reached the client. */
  error?: GatewayError;
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
  ms: number;
}

export type PipelineEvent = RequestReceived | AttemptStarted | AttemptEnded | FirstByte | UsageReported | RequestDone;

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
