/** `POST …/v1/messages` and `…/v1/messages/count_tokens` (Anthropic's API) on a router or the unified API. */
import { parseMessagesBody } from '../../ingress/anthropic-messages/decode.js';
import { MessagesExchange } from '../../ingress/anthropic-messages/messages-exchange.js';
import { CountTokensExchange } from '../../ingress/anthropic-messages/count-tokens-exchange.js';
import { runPipeline, type PipelineRoute } from '../../pipeline/run.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';

export async function handleMessages(gw: Gateway, ctx: RequestContext, route: PipelineRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  return runPipeline(gw, ctx, route, new MessagesExchange(parseMessagesBody(raw), raw, ctx.req.headers));
}

export async function handleCountTokens(gw: Gateway, ctx: RequestContext, route: PipelineRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  return runPipeline(gw, ctx, route, new CountTokensExchange(parseMessagesBody(raw), raw, ctx.req.headers));
}
