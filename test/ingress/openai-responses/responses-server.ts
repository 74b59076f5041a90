/**
 * A tiny Responses endpoint for tests: decode → a scripted canonical answer → encode, with the
 * store in between, the way the request pipeline will call the codec. It records each decoded
 * request, so tests can check what the official clients posted.
 */
import { createServer } from 'node:http';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../../../src/core/chat-types.js';
import { GatewayError } from '../../../src/core/gateway-error.js';
import {
  decodeResponsesRequest,
  encodeResponsesResponse,
  newResponseId,
  rememberResponse,
  ResponsesStreamEncoder,
  responsesErrorResponse,
  ResponseStore,
  type DecodedResponsesRequest,
} from '../../../src/ingress/openai-responses/index.js';
import { listenLocally, type Listening } from '../../helpers/listen.js';

export type Answer = { completion: ChatCompletion } | { chunks: ChatCompletionChunk[]; failWith?: GatewayError };

export interface ResponsesServer extends Listening {
  baseURL: string;
  store: ResponseStore;
  /** Decoded requests, oldest first. */
  seen: DecodedResponsesRequest[];
  /** Raw bodies as posted. */
  bodies: Record<string, unknown>[];
  answer: (request: ChatRequest) => Answer;
}

export async function startResponsesServer(answer: (request: ChatRequest) => Answer): Promise<ResponsesServer> {
  const store = new ResponseStore();
  const state = { seen: [] as DecodedResponsesRequest[], bodies: [] as Record<string, unknown>[], answer };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts);
      try {
        state.bodies.push(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
      } catch {
        // Bad JSON is the decoder's to report.
      }
      let decoded: DecodedResponsesRequest;
      try {
        decoded = decodeResponsesRequest(raw, store);
      } catch (err) {
        const failure = responsesErrorResponse(err as GatewayError);
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(JSON.stringify(failure.body));
        return;
      }
      state.seen.push(decoded);
      const reply = state.answer(decoded.request);
      const id = newResponseId();
      if ('completion' in reply) {
        const response = encodeResponsesResponse(reply.completion, { id, model: decoded.request.model, context: decoded.responses });
        rememberResponse(store, decoded.responses, response);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(response));
        return;
      }
      const encoder = new ResponsesStreamEncoder({ id, model: decoded.request.model, context: decoded.responses });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const c of reply.chunks) res.write(encoder.chunk(c));
      res.end(reply.failWith ? encoder.error(reply.failWith) : encoder.end());
      const response = encoder.response();
      if (response) rememberResponse(store, decoded.responses, response);
    });
  });
  const listening = await listenLocally(server);
  return Object.assign(state, listening, { baseURL: `${listening.url}v1`, store }) as ResponsesServer;
}

/** Canonical chunks of a plain text answer, with the usage chunk after the finish. */
export function textChunks(model: string, pieces: string[], usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 }): ChatCompletionChunk[] {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1_700_000_000, model };
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...pieces.map((content) => ({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' as const }] },
    { ...base, choices: [], usage },
  ];
}

/** Canonical chunks of one tool call, its arguments in pieces. */
export function toolChunks(model: string, name: string, args: string[], callId = 'call_abc'): ChatCompletionChunk[] {
  const base = { id: 'chatcmpl-2', object: 'chat.completion.chunk' as const, created: 1_700_000_000, model };
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: callId, type: 'function', function: { name, arguments: '' } }] }, finish_reason: null }] },
    ...args.map((a) => ({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: a } }] }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' as const }] },
    { ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 } },
  ];
}

export function completion(model: string, message: ChatCompletion['choices'][number]['message'], finish: ChatCompletion['choices'][number]['finish_reason'] = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-3',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } },
  };
}
