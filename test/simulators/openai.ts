/**
 * OpenAI chat-completions simulator (also serves as any OpenAI-compatible upstream).
 *
 *   const sim = await startOpenAISimulator({ apiKey: 'test-openai-key' });
 *   sim.url                      // "http://127.0.0.1:PORT/" — use as providers.openai.base-url
 *   sim.requests                 // every request received: { method, path, headers, body }
 *   sim.aborted                  // paths of requests whose client hung up before the response ended
 *   sim.setNext({ status: 429, body: {...}, headers: { 'retry-after': '2' } })
 *   sim.setNext({ dropAfterChunks: 3 })   // stream: send 3 events, then destroy the socket
 *   sim.setNext({ hang: true })           // never answer (timeouts, client aborts)
 *   sim.setNext({ dropAfterHeaders: true }) // send 200 and headers, then destroy the socket
 *   sim.setNext({ delayMs: 200 })         // answer normally, late
 *   await sim.close()
 *
 * Streams replay the recorded gpt-4.1-nano stream (test/fixtures/recorded/openai/openai-text.chunks.txt)
 * as real SSE; the final usage chunk is sent only when `stream_options.include_usage` is set.
 * A request that offers `tools` gets a tool call instead, streamed or not (see openai-tool-calls.ts).
 *
 * `POST {prefix}/responses` speaks the Responses API (JSON, or the typed event stream with
 * `stream: true`), deterministically: the same body always gets the same bytes — see
 * responses-wire.ts for what it answers.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { listenLocally } from '../helpers/listen.js';
import { toolCallCompletion, toolCallStreamLines, toolToCall } from './openai-tool-calls.js';
import { responsesAnswer, responsesStreamEvents, type ResponsesBody } from './responses-wire.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface NextBehaviour {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  dropAfterChunks?: number;
  hang?: boolean;
  delayMs?: number;
  dropAfterHeaders?: boolean;
}

export interface OpenAISimulator {
  url: string;
  requests: RecordedRequest[];
  aborted: string[];
  setNext(behaviour: NextBehaviour): void;
  /** Applies to every request until reset with undefined. */
  setAlways(behaviour: NextBehaviour | undefined): void;
  close(): Promise<void>;
}

const FIXTURE = new URL('../fixtures/recorded/openai/openai-text.chunks.txt', import.meta.url);
const RECORDED_LINES = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l.trim() !== '');

export function recordedOpenAIText(): string {
  let text = '';
  for (const line of RECORDED_LINES) {
    const chunk = JSON.parse(line) as { choices: Array<{ delta?: { content?: string } }> };
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return text;
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-sim-1',
    object: 'chat.completion',
    created: 1770933883,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } },
  };
}

function embedding(dims: number, seed: number): number[] {
  return Array.from({ length: dims }, (_, i) => Math.round(Math.sin(seed + i) * 1e6) / 1e6);
}

export async function startOpenAISimulator(opts: { apiKey?: string; pathPrefix?: string } = {}): Promise<OpenAISimulator> {
  const requests: RecordedRequest[] = [];
  const aborted: string[] = [];
  const queue: NextBehaviour[] = [];
  let always: NextBehaviour | undefined;
  const prefix = opts.pathPrefix ?? '/v1';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      res.on('close', () => {
        if (!res.writableFinished) aborted.push(path);
      });
      const behaviour = queue.shift() ?? always ?? {};
      const run = (): void => respond(path, body, req.headers, behaviour, res);
      if (behaviour.delayMs) setTimeout(run, behaviour.delayMs);
      else run();
    });
  });

  function respond(path: string, rawBody: string, headers: IncomingHttpHeaders, behaviour: NextBehaviour, res: ServerResponse): void {
    if (behaviour.hang) return;
    if (behaviour.dropAfterHeaders) {
      res.writeHead(200, { 'content-type': rawBody.includes('"stream":true') ? 'text/event-stream' : 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (opts.apiKey && headers.authorization !== `Bearer ${opts.apiKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
      return;
    }
    if (behaviour.status && behaviour.status >= 400) {
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      res.end(typeof behaviour.body === 'string' ? behaviour.body : JSON.stringify(behaviour.body ?? { error: { message: 'simulated failure', type: 'server_error', param: null, code: null } }));
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(rawBody || '{}') as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'bad json', type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    const model = String(body.model ?? 'unknown');
    if (path === `${prefix}/chat/completions`) {
      const tool = toolToCall(body);
      if (body.stream === true) return stream(res, body, behaviour, tool);
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_sim_123', ...behaviour.headers });
      res.end(JSON.stringify(tool ? toolCallCompletion(model, tool) : completion(model, 'Hello from the simulator.')));
      return;
    }
    if (path === `${prefix}/responses`) {
      const ask = body as ResponsesBody;
      if (typeof ask.model !== 'string' || ask.input === undefined) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: "Missing required parameter: 'model' or 'input'.", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' } }));
        return;
      }
      if (ask.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_sim_responses', ...behaviour.headers });
        res.end(JSON.stringify(responsesAnswer(ask)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_sim_responses_stream', ...behaviour.headers });
      const events = responsesStreamEvents(ask);
      let i = 0;
      const tick = (): void => {
        if (res.destroyed) return;
        if (behaviour.dropAfterChunks !== undefined && i >= behaviour.dropAfterChunks) {
          res.socket?.destroy();
          return;
        }
        if (i >= events.length) return void res.end();
        res.write(events[i++]);
        setImmediate(tick);
      };
      tick();
      return;
    }
    if (path === `${prefix}/embeddings`) {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const data = inputs.map((_, i) => {
        const floats = embedding(8, i);
        const embeddingValue =
          body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(floats).buffer).toString('base64') : floats;
        return { object: 'embedding', index: i, embedding: embeddingValue };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: 4, total_tokens: 4 } }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: null } }));
  }

  function stream(res: ServerResponse, body: Record<string, unknown>, behaviour: NextBehaviour, tool: string | undefined): void {
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_sim_stream' });
    const lines = tool
      ? toolCallStreamLines(String(body.model ?? 'unknown'), tool, includeUsage)
      : includeUsage
        ? RECORDED_LINES
        : RECORDED_LINES.filter((l) => !l.includes('"choices":[]'));
    let i = 0;
    const tick = (): void => {
      if (res.destroyed) return;
      if (behaviour.dropAfterChunks !== undefined && i >= behaviour.dropAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (i >= lines.length) {
        res.end('data: [DONE]\n\n');
        return;
      }
      // Usage lines carry `usage` only when asked; content lines carry `usage: null` as recorded.
      res.write(`data: ${lines[i++]}\n\n`);
      setImmediate(tick);
    };
    tick();
  }

  const { url, close } = await listenLocally(server);
  return {
    url,
    requests,
    aborted,
    setNext: (b) => queue.push(b),
    setAlways: (b) => {
      always = b;
    },
    close,
  };
}
