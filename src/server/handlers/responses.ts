/** `POST …/v1/responses` (OpenAI's Responses API) on a router or the unified API. */
import { parseResponsesRequest } from '../../ingress/openai-responses/decode.js';
import { ResponsesExchange } from '../../ingress/openai-responses/responses-exchange.js';
import { runPipeline, type PipelineRoute } from '../../pipeline/run.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';

export async function handleResponses(gw: Gateway, ctx: RequestContext, route: PipelineRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  const body = parseResponsesRequest(raw) as Record<string, unknown> & { model: string };
  return runPipeline(gw, ctx, route, new ResponsesExchange(body, raw, gw.responses));
}
