/**
 * Mistral API simulator for tests (node:http on 127.0.0.1, random port).
 *
 *   const sim = await startMistralSimulator({ apiKey: 'test-key' });
 *   sim.url        base URL ending in `/` (`http://127.0.0.1:PORT/`); paths are `/v1/…`
 *   sim.requests   every request received, in order: { path, headers, body } (body parsed JSON,
 *                  or the raw string when it is not JSON)
 *   sim.setNext(b) the next request gets behaviour `b` instead of the normal answer:
 *                    { status, body, headers? }  answer with that status and body (object → JSON)
 *                    { dropAfterEvents: n }      stream n SSE events, then destroy the socket
 *   await sim.close()
 *
 * Routes:
 * - POST /v1/chat/completions — requires `Authorization: Bearer <apiKey>` (401
 *   `{"message":"Unauthorized","request_id":…}` otherwise). Validates like Mistral: unknown
 *   top-level fields → 422 with a structured `message.detail[]`; tool-call ids that are not
 *   nine letters/digits → 400 `{"object":"error",…,"type":"invalid_function_call","code":"3280"}`.
 *   `stream: true` with `tools` replays test/fixtures/recorded/mistral/mistral-tool-call.chunks.txt;
 *   without tools, a short text stream in Mistral's shape (usage on the finish chunk, no usage
 *   chunk). Non-streaming answers are JSON; tool calls there lack `type`, as Mistral's do.
 * - POST /v1/embeddings — two floats per input, `usage.prompt_tokens` = number of inputs.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { onBody } from './read-body.js';

export type SimulatorBehaviour = { status: number; body: unknown; headers?: Record<string, string> } | { dropAfterEvents: number };

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface MistralSimulator {
  url: string;
  requests: RecordedRequest[];
  setNext(behaviour: SimulatorBehaviour): void;
  close(): Promise<void>;
}

const FIXTURE = new URL('../fixtures/recorded/mistral/mistral-tool-call.chunks.txt', import.meta.url);

const ALLOWED_FIELDS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'response_format',
  'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls',
  'safe_prompt', 'prompt_mode', 'reasoning_effort',
]);

interface ChatBody {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  messages?: Array<{ role?: string; tool_call_id?: string; tool_calls?: Array<{ id?: string }> }>;
  [key: string]: unknown;
}

const VALID_ID = /^[a-zA-Z0-9]{9}$/;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function badToolCallId(body: ChatBody): string | undefined {
  for (const m of body.messages ?? []) {
    for (const call of m.tool_calls ?? []) if (!VALID_ID.test(call.id ?? '')) return call.id ?? '';
    if (m.role === 'tool' && !VALID_ID.test(m.tool_call_id ?? '')) return m.tool_call_id ?? '';
  }
  return undefined;
}

function textStreamEvents(model: string): string[] {
  const base = { id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', object: 'chat.completion.chunk', created: 1769088854, model };
  const pieces = ['Bonjour', ' à', ' tous ✓'];
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] },
    ...pieces.slice(0, -1).map((content) => ({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }] })),
    {
      ...base,
      choices: [{ index: 0, delta: { content: pieces[pieces.length - 1] }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, total_tokens: 14, completion_tokens: 4 },
    },
  ].map((e) => JSON.stringify(e));
}

function completion(body: ChatBody): unknown {
  const model = body.model ?? 'mistral-small-latest';
  const base = { id: 'cmpl-5f1e2d3c4b5a69788796a5b4c3d2e1f0', object: 'chat.completion', created: 1769088854, model };
  const usage = { prompt_tokens: 124, total_tokens: 146, completion_tokens: 22 };
  if (body.tools && body.tools.length > 0) {
    return {
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'gSIMJiOkT', function: { name: 'weather', arguments: '{"location": "San Francisco"}' } }],
            prefix: false,
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    };
  }
  return { ...base, choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour à tous ✓', tool_calls: null, prefix: false }, finish_reason: 'stop' }], usage };
}

export async function startMistralSimulator(opts: { apiKey: string }): Promise<MistralSimulator> {
  const fixtureLines = (await readFile(FIXTURE, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const requests: RecordedRequest[] = [];
  let next: SimulatorBehaviour | undefined;

  const server = createServer((req, res) => {
    onBody(req, (body) => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body });

      if (req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        sendJson(res, 401, { message: 'Unauthorized', request_id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' });
        return;
      }
      const behaviour = next;
      next = undefined;
      if (behaviour && 'status' in behaviour) {
        sendJson(res, behaviour.status, behaviour.body, behaviour.headers);
        return;
      }
      if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) {
        sendJson(res, 404, { detail: 'Not Found' });
        return;
      }
      if (typeof body !== 'object' || body === null) {
        sendJson(res, 400, { object: 'error', message: 'Invalid JSON body', type: 'invalid_request_error', param: null, code: null });
        return;
      }
      if (path === '/v1/embeddings') {
        const input = (body as { input?: unknown }).input;
        const inputs = Array.isArray(input) ? input : [input];
        sendJson(res, 200, {
          id: 'emb-0f1e2d3c',
          object: 'list',
          data: inputs.map((_, index) => ({ object: 'embedding', embedding: [0.25, -0.5 + index], index })),
          model: (body as { model?: string }).model,
          usage: { prompt_tokens: inputs.length, total_tokens: inputs.length, completion_tokens: 0 },
        });
        return;
      }

      const chat = body as ChatBody;
      const extra = Object.keys(chat).filter((key) => !ALLOWED_FIELDS.has(key));
      if (extra.length > 0) {
        sendJson(res, 422, {
          object: 'error',
          message: { detail: extra.map((key) => ({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: chat[key] })) },
          type: 'invalid_request_error',
          param: null,
          code: null,
        });
        return;
      }
      const badId = badToolCallId(chat);
      if (badId !== undefined) {
        sendJson(res, 400, {
          object: 'error',
          message: `Tool call id was ${badId} but must be a-z, A-Z, 0-9, with a length of 9.`,
          type: 'invalid_function_call',
          param: null,
          code: '3280',
        });
        return;
      }
      if (!chat.stream) {
        sendJson(res, 200, completion(chat));
        return;
      }
      const events = chat.tools && chat.tools.length > 0 ? fixtureLines : textStreamEvents(chat.model ?? 'mistral-small-latest');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (behaviour && 'dropAfterEvents' in behaviour) {
        // Let the events reach the client, then cut the connection mid-body.
        res.flushHeaders();
        const sent = events.slice(0, behaviour.dropAfterEvents).map((line) => `data: ${line}\n\n`).join('');
        res.write(sent, () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      for (const line of events) res.write(`data: ${line}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    setNext(behaviour) {
      next = behaviour;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
