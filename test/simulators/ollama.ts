/**
 * Ollama simulator for tests: the OpenAI-compatible `/v1` endpoints, answering the way Ollama's
 * shim does (node:http on 127.0.0.1, random port).
 *
 *   const sim = await startOllamaSimulator();            // models: llama3.2, nomic-embed-text
 *   const sim = await startOllamaSimulator({ models: ['qwen3'] });
 *   sim.url        base URL ending in `/` (`http://127.0.0.1:PORT/`); paths are `/v1/…`
 *   sim.requests   every request received, in order: { path, headers, body } — headers are kept
 *                  so tests can assert that no `authorization` header was sent
 *   sim.setNext(b) the next request gets behaviour `b` instead of the normal answer:
 *                    { status, body, headers? }  answer with that status and body (object → JSON)
 *                    { dropAfterEvents: n }      stream n SSE events, then destroy the socket
 *   await sim.close()
 *
 * Routes:
 * - POST /v1/chat/completions — unknown model → 404 `{"error":"model \"x\" not found, try
 *   pulling it first"}`. Streams `data: {chunk}` events like Ollama: `role` on every delta,
 *   `system_fingerprint: "fp_ollama"`, tool calls whole with `index` and `type`, a finish chunk,
 *   a usage chunk (`choices: []`) only with `stream_options.include_usage`, then `data: [DONE]`.
 *   With `tools` the answer is one call to the first tool. Non-streaming answers are JSON.
 * - POST /v1/embeddings — three floats per input; base64 (little-endian float32) when
 *   `encoding_format: "base64"`, as Ollama does.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onBody } from './read-body.js';

export type SimulatorBehaviour = { status: number; body: unknown; headers?: Record<string, string> } | { dropAfterEvents: number };

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface OllamaSimulator {
  url: string;
  requests: RecordedRequest[];
  setNext(behaviour: SimulatorBehaviour): void;
  close(): Promise<void>;
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  tools?: Array<{ function?: { name?: string } }>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const USAGE = { prompt_tokens: 26, completion_tokens: 3, total_tokens: 29 };

function streamEvents(chat: ChatBody, model: string): string[] {
  const base = { id: 'chatcmpl-412', object: 'chat.completion.chunk', created: 1744446075, model, system_fingerprint: 'fp_ollama' };
  const events: object[] = [];
  const toolName = chat.tools?.[0]?.function?.name;
  if (toolName) {
    events.push({
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: '', tool_calls: [{ id: 'call_wteop8bt', index: 0, type: 'function', function: { name: toolName, arguments: '{"city":"Paris"}' } }] },
          finish_reason: null,
        },
      ],
    });
    events.push({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'tool_calls' }] });
  } else {
    for (const content of ['Hel', 'lo ', 'là ✓']) events.push({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: null }] });
    events.push({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }] });
  }
  if (chat.stream_options?.include_usage) events.push({ ...base, choices: [], usage: USAGE });
  return events.map((e) => JSON.stringify(e));
}

function completion(chat: ChatBody, model: string): unknown {
  const toolName = chat.tools?.[0]?.function?.name;
  const message = toolName
    ? { role: 'assistant', content: '', tool_calls: [{ id: 'call_wteop8bt', index: 0, type: 'function', function: { name: toolName, arguments: '{"city":"Paris"}' } }] }
    : { role: 'assistant', content: 'Hello là ✓' };
  return {
    id: 'chatcmpl-412',
    object: 'chat.completion',
    created: 1744446075,
    model,
    system_fingerprint: 'fp_ollama',
    choices: [{ index: 0, message, finish_reason: toolName ? 'tool_calls' : 'stop' }],
    usage: USAGE,
  };
}

function floatsToBase64(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

export async function startOllamaSimulator(opts: { models?: string[] } = {}): Promise<OllamaSimulator> {
  const models = new Set(opts.models ?? ['llama3.2', 'nomic-embed-text']);
  const requests: RecordedRequest[] = [];
  let next: SimulatorBehaviour | undefined;

  const server = createServer((req, res) => {
    onBody(req, (body) => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body });

      const behaviour = next;
      next = undefined;
      if (behaviour && 'status' in behaviour) {
        sendJson(res, behaviour.status, behaviour.body, behaviour.headers);
        return;
      }
      if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
        return;
      }
      if (typeof body !== 'object' || body === null) {
        sendJson(res, 400, { error: { message: 'invalid character looking for beginning of value', type: 'invalid_request_error', param: null, code: null } });
        return;
      }
      const model = String((body as { model?: unknown }).model ?? '');
      if (!models.has(model)) {
        sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });
        return;
      }
      if (path === '/v1/embeddings') {
        const { input, encoding_format: format } = body as { input?: unknown; encoding_format?: string };
        const inputs = Array.isArray(input) ? input : [input];
        sendJson(res, 200, {
          object: 'list',
          data: inputs.map((_, index) => {
            const values = [0.5, -0.25, index];
            return { object: 'embedding', embedding: format === 'base64' ? floatsToBase64(values) : values, index };
          }),
          model,
          usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 },
        });
        return;
      }
      const chat = body as ChatBody;
      if (!chat.stream) {
        sendJson(res, 200, completion(chat, model));
        return;
      }
      const events = streamEvents(chat, model);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
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
