/**
 * The Response envelope, shared by the JSON answer and the stream's lifecycle events: the
 * same echo of request fields, status rules and usage names in both, so `finalResponse()` of a
 * stream equals what `responses.create` returns.
 */
import type { FinishReason, Usage } from '../../core/chat-types.js';
import type { OutputItem, ResponseObject, ResponsesContext, ResponsesUsage } from './types.js';

export interface ResponseOptions {
  id: string;
  model: string;
  /** Unix seconds; now when omitted. */
  created?: number;
  context: ResponsesContext;
}

export type ResponseStatus = ResponseObject['status'];

export function responsesUsage(usage: Usage | null | undefined): ResponsesUsage | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** `length` and `content_filter` leave a response incomplete, as OpenAI reports them. */
export function incompleteReason(finish: FinishReason | null | undefined): 'max_output_tokens' | 'content_filter' | null {
  if (finish === 'length') return 'max_output_tokens';
  if (finish === 'content_filter') return 'content_filter';
  return null;
}

export function buildResponse(
  opts: ResponseOptions,
  created: number,
  status: ResponseStatus,
  output: OutputItem[],
  usage: ResponsesUsage | null,
  incomplete: 'max_output_tokens' | 'content_filter' | null = null,
  error: { code: string; message: string } | null = null,
): ResponseObject {
  const { context } = opts;
  // Keys in OpenAI's order (id first), the echoed request fields in between.
  return {
    id: opts.id,
    object: 'response',
    created_at: created,
    status,
    background: false,
    error,
    incomplete_details: incomplete === null ? null : { reason: incomplete },
    ...context.echo,
    model: opts.model,
    output,
    previous_response_id: context.previousResponseId,
    store: context.store,
    usage,
  };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
