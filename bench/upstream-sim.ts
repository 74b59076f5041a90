/**
 * Upstream simulator for the gateway benchmarks: OpenAI chat completions and Anthropic Messages on
 * plain node:http, bound to 127.0.0.1.
 *
 *   POST [/p/<ttfbMs>/<jitterMs>/<gapMs>]/v1/chat/completions  OpenAI JSON, or SSE with "stream": true
 *   POST [/p/<ttfbMs>/<jitterMs>/<gapMs>]/v1/messages          Anthropic JSON, or SSE with "stream": true
 *   GET  /health, GET /stats (request counters as JSON)
 *
 * The optional /p/... prefix picks the latency per request, so one process serves every latency
 * profile and a gateway's base URL alone selects one. ttfb ± jitter delays the first byte; gap is
 * the pause between SSE events. Without a prefix the --ttfb/--jitter/--gap flags apply.
 *
 * Self-contained (node: imports only): the bench transpiles it and runs it without a TS loader,
 * so the loader's memory does not show up in the numbers. Exits when its parent process dies.
 *
 *   node upstream-sim.mjs --port 9001 [--chunks 20] [--ttfb 0] [--jitter 0] [--gap 0]
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '9001' },
    chunks: { type: 'string', default: '20' },
    ttfb: { type: 'string', default: '0' },
    jitter: { type: 'string', default: '0' },
    gap: { type: 'string', default: '0' },
  },
});

interface Latency {
  ttfbMs: number;
  jitterMs: number;
  gapMs: number;
}

const PORT = Number(flags.port);
const CHUNKS = Math.max(1, Number(flags.chunks));
const DEFAULT_LATENCY: Latency = { ttfbMs: Number(flags.ttfb), jitterMs: Number(flags.jitter), gapMs: Number(flags.gap) };
const REPLY_TEXT = 'Hello from the upstream simulator.';
const CREATED = 1_700_000_000;

const counters = { openaiJson: 0, openaiStream: 0, anthropicJson: 0, anthropicStream: 0, rejected: 0 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function firstByteDelay(latency: Latency): number {
  if (latency.jitterMs <= 0) return latency.ttfbMs;
  return Math.max(0, latency.ttfbMs + (Math.random() * 2 - 1) * latency.jitterMs);
}

/** Splits `/p/50/10/5/v1/messages` into a latency profile and `/v1/messages`. */
function parseRoute(url: string): { path: string; latency: Latency } | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.startsWith('/p/')) return { path, latency: DEFAULT_LATENCY };
  const parts = path.split('/'); // ['', 'p', ttfb, jitter, gap, ...rest]
  if (parts.length < 6) return undefined;
  const latency = { ttfbMs: Number(parts[2]), jitterMs: Number(parts[3]), gapMs: Number(parts[4]) };
  if (!Number.isFinite(latency.ttfbMs) || !Number.isFinite(latency.jitterMs) || !Number.isFinite(latency.gapMs)) return undefined;
  return { path: '/' + parts.slice(5).join('/'), latency };
}

// Response bodies depend only on the model (and include_usage), so they are built once per model.
interface Replies {
  json: string;
  events: string[];
}
const openaiCache = new Map<string, Replies>();
const anthropicCache = new Map<string, Replies>();

function chunkText(i: number): string {
  return i === 0 ? 'Hello' : ` token${i}`;
}

function openaiReplies(model: string, includeUsage: boolean): Replies {
  const key = includeUsage ? `${model}\u0000u` : model;
  const cached = openaiCache.get(key);
  if (cached) return cached;
  const id = 'chatcmpl-sim-0001';
  const json = JSON.stringify({
    id,
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: REPLY_TEXT }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
  });
  const chunk = (delta: Record<string, string>, finish: string | null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  for (let i = 0; i < CHUNKS; i++) events.push(chunk({ content: chunkText(i) }, null));
  events.push(chunk({}, 'stop'));
  if (includeUsage) {
    const usage = { prompt_tokens: 9, completion_tokens: CHUNKS, total_tokens: 9 + CHUNKS };
    events.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage })}\n\n`);
  }
  events.push('data: [DONE]\n\n');
  const replies = { json, events };
  openaiCache.set(key, replies);
  return replies;
}

function anthropicReplies(model: string): Replies {
  const cached = anthropicCache.get(model);
  if (cached) return cached;
  const id = 'msg_sim_0001';
  const json = JSON.stringify({
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: REPLY_TEXT }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 7 },
  });
  const event = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    event('message_start', {
      message: {
        id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
        usage: { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
  ];
  for (let i = 0; i < CHUNKS; i++) events.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: chunkText(i) } }));
  events.push(
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: CHUNKS } }),
    event('message_stop', {}),
  );
  const replies = { json, events };
  anthropicCache.set(model, replies);
  return replies;
}

interface ChatRequest {
  model?: unknown;
  stream?: unknown;
  max_tokens?: unknown;
  stream_options?: { include_usage?: unknown };
}

function sendJson(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function reject(res: http.ServerResponse, status: number, dialect: 'openai' | 'anthropic', message: string): void {
  counters.rejected++;
  const type = status === 401 ? 'authentication_error' : 'invalid_request_error';
  const body = dialect === 'openai'
    ? { error: { message, type, param: null, code: null } }
    : { type: 'error', error: { type, message } };
  sendJson(res, status, JSON.stringify(body));
}

async function sendEvents(res: http.ServerResponse, events: string[], latency: Latency): Promise<void> {
  const delay = firstByteDelay(latency);
  if (delay > 0) await sleep(delay);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && latency.gapMs > 0) await sleep(latency.gapMs);
    if (res.destroyed) return;
    res.write(events[i]);
  }
  res.end();
}

async function sendReply(res: http.ServerResponse, json: string, latency: Latency): Promise<void> {
  const delay = firstByteDelay(latency);
  if (delay > 0) await sleep(delay);
  if (!res.destroyed) sendJson(res, 200, json);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, path: string, latency: Latency, raw: string): Promise<void> {
  const dialect = path === '/v1/messages' ? 'anthropic' : 'openai';
  let body: ChatRequest;
  try {
    body = JSON.parse(raw) as ChatRequest;
  } catch {
    reject(res, 400, dialect, 'request body is not valid JSON');
    return;
  }
  if (typeof body.model !== 'string' || body.model === '') {
    reject(res, 400, dialect, 'model is required');
    return;
  }
  const stream = body.stream === true;
  if (dialect === 'openai') {
    if (!req.headers.authorization) {
      reject(res, 401, dialect, 'missing Authorization header');
      return;
    }
    const replies = openaiReplies(body.model, body.stream_options?.include_usage === true);
    if (stream) {
      counters.openaiStream++;
      await sendEvents(res, replies.events, latency);
    } else {
      counters.openaiJson++;
      await sendReply(res, replies.json, latency);
    }
    return;
  }
  // The same checks the Anthropic API makes, so a gateway that forgets one is caught here.
  if (!req.headers['x-api-key'] && !req.headers.authorization) {
    reject(res, 401, dialect, 'missing x-api-key header');
    return;
  }
  if (!req.headers['anthropic-version']) {
    reject(res, 400, dialect, 'anthropic-version: header is required');
    return;
  }
  if (typeof body.max_tokens !== 'number') {
    reject(res, 400, dialect, 'max_tokens: Field required');
    return;
  }
  const replies = anthropicReplies(body.model);
  if (stream) {
    counters.anthropicStream++;
    await sendEvents(res, replies.events, latency);
  } else {
    counters.anthropicJson++;
    await sendReply(res, replies.json, latency);
  }
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url === '/health') {
    sendJson(res, 200, '{"status":"ok"}');
    return;
  }
  if (req.method === 'GET' && url === '/stats') {
    sendJson(res, 200, JSON.stringify(counters));
    return;
  }
  const route = parseRoute(url);
  const known = route !== undefined && (route.path === '/v1/chat/completions' || route.path === '/v1/messages');
  if (req.method !== 'POST' || !known) {
    req.resume();
    sendJson(res, 404, JSON.stringify({ error: { message: `no route ${req.method ?? ''} ${url}`, type: 'not_found' } }));
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (chunk: Buffer) => parts.push(chunk));
  req.on('end', () => {
    handle(req, res, route.path, route.latency, Buffer.concat(parts).toString('utf8')).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ error: { message: String(error) } }));
      else res.destroy();
    });
  });
});

// Load generators and proxies keep connections open between slices.
server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1', () => {
  console.log(`upstream-sim listening on http://127.0.0.1:${PORT} chunks=${CHUNKS} ttfb=${DEFAULT_LATENCY.ttfbMs}ms`);
});

const parentPid = process.ppid;
setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch {
    process.exit(0);
  }
}, 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
