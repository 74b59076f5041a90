/** `POST …/chat/completions` and `…/embeddings` on a router or the unified API: decode, then the pipeline. */
import { decodeChatRequest, decodeEmbeddingsRequest } from '../../ingress/openai-chat/decode.js';
import { ChatExchange } from '../../ingress/openai-chat/chat-exchange.js';
import { EmbeddingsExchange } from '../../ingress/openai-chat/embeddings-exchange.js';
import { runPipeline, type PipelineRoute } from '../../pipeline/run.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';

export async function handleChat(gw: Gateway, ctx: RequestContext, route: PipelineRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  return runPipeline(gw, ctx, route, new ChatExchange(decodeChatRequest(raw), raw, gw.bus.active));
}

export async function handleEmbeddings(gw: Gateway, ctx: RequestContext, route: PipelineRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  return runPipeline(gw, ctx, route, new EmbeddingsExchange(decodeEmbeddingsRequest(raw), raw));
}
