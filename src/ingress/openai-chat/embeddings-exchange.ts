/** `POST …/embeddings` as a pipeline exchange. */
import type { EmbeddingsRequest } from '../../core/chat-types.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { Candidate } from '../../core/router.js';
import type { ClientExchange, Plan } from '../../pipeline/exchange.js';
import { openAIChatDialect } from './dialect.js';

/** Splits a list input into requests of at most `max` inputs each; anything else stays whole. */
function splitInputs(request: EmbeddingsRequest, max: number | undefined): EmbeddingsRequest[] {
  const { input } = request;
  if (!max || !Array.isArray(input) || input.length <= max || typeof input[0] !== 'string') return [request];
  const batches: EmbeddingsRequest[] = [];
  for (let i = 0; i < input.length; i += max) {
    const slice = (input as string[]).slice(i, i + max);
    batches.push({ ...request, input: slice.length === 1 ? slice[0] : slice });
  }
  return batches;
}

export class EmbeddingsExchange implements ClientExchange {
  readonly endpoint = 'embeddings';
  readonly dialect = openAIChatDialect;
  readonly stream = false;
  readonly model: string;

  constructor(
    private readonly request: EmbeddingsRequest,
    readonly raw?: Buffer,
  ) {
    this.model = request.model;
  }

  plan(candidate: Candidate, requestId: string): Plan {
    const { provider } = candidate.target;
    const capability = provider.adapter.embeddings;
    if (!capability) {
      throw new GatewayError({ status: 400, code: 'unsupported_endpoint', param: 'model', message: `${provider.name} has no embeddings API. Use an embeddings model of another provider.` });
    }
    return {
      mode: 'embeddings',
      // Several calls only when the provider takes fewer inputs per call than the client sent.
      batches: splitInputs(this.request, capability.maxInputs),
      capability,
      target: { provider, model: candidate.model, requestId },
      // Providers answer floats; OpenAI SDKs ask for base64 by default.
      base64: this.request.encoding_format === 'base64',
    };
  }
}
