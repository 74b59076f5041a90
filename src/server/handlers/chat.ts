/** `POST …/chat/completions` on a router or the unified API. */
import { decodeChatRequest } from '../../ingress/openai-chat/decode.js';
import { runAttempts } from '../../core/attempts.js';
import { retryPolicy } from '../../core/retry-policy.js';
import type { RetriesConfig } from '../../config/schema.js';
import type { Candidate } from '../../core/router.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../context.js';
import type { Gateway } from '../gateway.js';
import { exchangeChat } from '../chat-exchange.js';
import { sendError } from '../respond.js';

export interface ChatRoute {
  candidates(model: string): Candidate[];
  retries: RetriesConfig | undefined;
}

export async function handleChat(gw: Gateway, ctx: RequestContext, route: ChatRoute): Promise<void> {
  const raw = await readBody(ctx.req, gw.maxBodyBytes);
  const request = decodeChatRequest(raw);
  const candidates = route.candidates(request.model);
  const policy = retryPolicy(route.retries, candidates.length);
  const failure = await runAttempts(candidates, policy, ctx.signal, (candidate, n) => exchangeChat(gw, ctx, request, raw, candidate, n));
  if (failure && !ctx.clientGone) sendError(ctx, failure);
}
