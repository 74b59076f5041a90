/**
 * What an ingress hands the pipeline: one decoded client request that knows, for each
 * candidate the router offers, how to ask that provider (a plan). The pipeline owns everything
 * else — policies, the attempt loop, sending, the egress, events.
 */
import type { Endpoint } from '../core/pipeline-events.js';
import type { Candidate } from '../core/router.js';
import type { ChatTarget, EmbeddingsCapability, EmbeddingsTarget, UpstreamRequest } from '../providers/types.js';
import type { EmbeddingsRequest } from '../core/chat-types.js';
import type { AnswerEncoder, ClientDialect } from './answer-encoder.js';
import type { UsageTapOptions } from './egress/usage-tap.js';

/** The provider answers in the client's dialect: its bytes are piped. */
export interface PipedPlan {
  mode: 'piped';
  request: UpstreamRequest;
  stream: boolean;
  /** How usage is read from the piped bytes; absent when the answer carries none (token counts). */
  usage?: UsageTapOptions;
}

/** The provider answers natively: its adapter reads it, the encoder writes the client's dialect. */
export interface TranslatedPlan {
  mode: 'translated';
  request: UpstreamRequest;
  target: ChatTarget;
  encoder: AnswerEncoder;
}

/** Answered by the gateway itself for this candidate (a token count estimate). */
export interface LocalPlan {
  mode: 'local';
  body: unknown;
}

/** Embeddings: one call per batch of inputs the provider takes, merged into one answer. */
export interface EmbeddingsPlan {
  mode: 'embeddings';
  batches: EmbeddingsRequest[];
  capability: EmbeddingsCapability;
  target: EmbeddingsTarget;
  base64: boolean;
}

export type Plan = PipedPlan | TranslatedPlan | LocalPlan | EmbeddingsPlan;

export interface ClientExchange {
  readonly endpoint: Endpoint;
  readonly dialect: ClientDialect;
  /** The model as the client named it: what the route's candidates are chosen by. */
  readonly model: string;
  readonly stream: boolean;
  /** The client's body as it came (stored by an audit log that keeps bodies). */
  readonly raw?: Buffer;
  /** How to ask `candidate`; throws a GatewayError when this provider cannot serve the request. */
  plan(candidate: Candidate, requestId: string): Plan | Promise<Plan>;
}
