/**
 * A local stand-in for Anthropic's Messages API, for tests that run requests through the gateway.
 *
 *   const sim = await startAnthropicSimulator({ apiKey: 'sk-test' });
 *   // point a provider at sim.url (http://127.0.0.1:<port>/), send requests…
 *   sim.requests;            // every POST received: { path, headers, body, raw, answer }
 *   sim.setNext({ kind: 'error', status: 529 });   // the next request fails
 *   await sim.close();
 *
 * POST /v1/messages
 * - needs `x-api-key` (equal to `opts.apiKey` when given, else any non-empty key; otherwise 401)
 *   and `anthropic-version` (otherwise 400), a JSON body with `model`, a positive integer
 *   `max_tokens` and `messages` of role user/assistant with no empty text blocks, and
 *   `temperature` ≤ 1 — the checks the real API makes that translation bugs would trip;
 * - non-streaming: answers a text message, or a `tool_use` message when the request has tools
 *   (from the recorded fixture; a forced `tool_choice: {type:"tool", name}` renames the tool);
 * - `stream: true`: replays the recorded SSE stream, text or (when the request has tools) tool use.
 * Bodies and streams are the recorded fixtures in test/fixtures/recorded/anthropic/ (the model
 * ids are the recorded ones, not the requested one).
 *
 * POST /v1/messages/count_tokens — the same key and version checks, a JSON body with `model` and
 * `messages`; answers `{"input_tokens": N}` (N from `setInputTokens`, default
 * SIMULATED_INPUT_TOKENS). Any other path answers 404.
 *
 * Each recorded request keeps the raw body bytes (`raw`) and, once answered, the status and the
 * exact bytes the simulator sent back (`answer`), so byte passthrough can be asserted both ways.
 *
 * `setNext(behaviour)` queues a behaviour for the next valid request (one per call, in order):
 * - `{ kind: 'error', status, type?, message?, retryAfter? }` → HTTP error with an Anthropic error
 *   body (type defaults by status: 529 overloaded_error, 429 rate_limit_error, …) and `retry-after`;
 * - `{ kind: 'stream-error', afterEvents?, type?, message? }` → a 200 stream that sends
 *   `afterEvents` recorded events (default 3), then an `error` event (default overloaded_error);
 *   a non-streaming request gets the same error as an HTTP error instead;
 * - `{ kind: 'drop', afterEvents? }` → a 200 stream that sends `afterEvents` events (default 3)
 *   and then destroys the connection; a non-streaming request has its connection destroyed
 *   before any answer.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type AnthropicSimulatorBehaviour =
  | { kind: 'error'; status: number; type?: string; message?: string; retryAfter?: number | string }
  | { kind: 'stream-error'; afterEvents?: number; type?: string; message?: string }
  | { kind: 'drop'; afterEvents?: number };

export interface AnthropicSimulatorOptions {
  /** The only key accepted; any non-empty key when omitted. */
  apiKey?: string;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** The body's bytes as they arrived. */
  raw: Buffer;
  /** What the simulator answered: status and body bytes (set when the answer has ended). */
  answer?: { status: number; body: Buffer };
}

/** What count_tokens answers unless `setInputTokens` says otherwise. */
export const SIMULATED_INPUT_TOKENS = 4242;

export interface AnthropicSimulator {
  /** Base URL ending in `/`, e.g. `http://127.0.0.1:54321/`. */
  url: string;
  requests: RecordedRequest[];
  setNext(behaviour: AnthropicSimulatorBehaviour): void;
  /** The `input_tokens` count_tokens answers from now on. */
  setInputTokens(n: number): void;
  close(): Promise<void>;
}

export interface Fixtures {
  textEvents: string[];
  toolEvents: string[];
  toolMessage: Record<string, unknown>;
  textMessage: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

const FIXTURES = new URL('../fixtures/recorded/anthropic/', import.meta.url);
const DEFAULT_AFTER_EVENTS = 3;

const ERROR_TYPE_BY_STATUS: ReadonlyMap<number, string> = new Map([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [529, 'overloaded_error'],
]);

export const STATUS_BY_ERROR_TYPE: ReadonlyMap<string, number> = new Map(
  [...ERROR_TYPE_BY_STATUS].map(([status, type]) => [type, status]),
);

const readLines = async (name: string) =>
  (await readFile(new URL(name, FIXTURES), 'utf8')).split('\n').filter((line) => line.trim() !== '');

export async function loadFixtures(): Promise<Fixtures> {
  const [textEvents, toolEvents, toolJson] = await Promise.all([
    readLines('anthropic-text.chunks.txt'),
    readLines('anthropic-json-tool.1.chunks.txt'),
    readFile(new URL('anthropic-json-tool.1.json', FIXTURES), 'utf8'),
  ]);
  return { textEvents, toolEvents, toolMessage: JSON.parse(toolJson) as JsonObject, textMessage: messageFromEvents(textEvents) };
}

/** The non-streaming equivalent of the recorded text stream. */
function messageFromEvents(lines: string[]): JsonObject {
  const events = lines.map((line) => JSON.parse(line) as JsonObject);
  const start = events.find((e) => e.type === 'message_start')?.message as JsonObject;
  const delta = events.find((e) => e.type === 'message_delta') as JsonObject;
  let text = '';
  for (const e of events) {
    const d = e.delta as JsonObject | undefined;
    if (e.type === 'content_block_delta' && d?.type === 'text_delta') text += String(d.text);
  }
  return {
    ...start,
    content: [{ type: 'text', text }],
    stop_reason: (delta.delta as JsonObject).stop_reason,
    usage: { ...(start.usage as JsonObject), ...(delta.usage as JsonObject) },
  };
}

export const sse = (line: string) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`;

export function sendError(res: ServerResponse, status: number, message: string, type?: string, retryAfter?: number | string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(status, headers);
  res.end(JSON.stringify({ type: 'error', error: { type: type ?? ERROR_TYPE_BY_STATUS.get(status) ?? 'api_error', message }, request_id: 'req_sim' }));
}

/** The checks of the real API that a broken translation would trip; returns an error message. */
export function validate(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'request body must be a JSON object';
  const b = body as JsonObject;
  if (typeof b.model !== 'string' || b.model === '') return 'model: Field required';
  if (!Number.isInteger(b.max_tokens) || (b.max_tokens as number) < 1) return 'max_tokens: Field required (positive integer)';
  if (typeof b.temperature === 'number' && (b.temperature < 0 || b.temperature > 1)) return 'temperature: must be between 0 and 1';
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
  for (const [i, m] of (b.messages as JsonObject[]).entries()) {
    if (m.role !== 'user' && m.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (Array.isArray(m.content)) {
      for (const block of m.content as JsonObject[]) {
        if (block.type === 'text' && block.text === '') return `messages.${i}: text content blocks must be non-empty`;
      }
    } else if (typeof m.content !== 'string') {
      return `messages.${i}.content: Field required`;
    }
  }
  return undefined;
}

/** The name of a forced tool (`tool_choice: {type:"tool", name}`), if any. */
export function forcedToolName(body: JsonObject): string | undefined {
  const choice = body.tool_choice as JsonObject | undefined;
  return choice?.type === 'tool' && typeof choice.name === 'string' ? choice.name : undefined;
}

export function renameToolEvent(line: string, name: string | undefined): string {
  if (!name) return line;
  const event = JSON.parse(line) as JsonObject;
  const block = event.content_block as JsonObject | undefined;
  if (event.type !== 'content_block_start' || block?.type !== 'tool_use') return line;
  return JSON.stringify({ ...event, content_block: { ...block, name } });
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Keeps a copy of every byte written to `res`, stored on `record.answer` when the answer ends. */
function captureAnswer(res: ServerResponse, record: RecordedRequest): void {
  const parts: Buffer[] = [];
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string') parts.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) parts.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk);
    record.answer = { status: res.statusCode, body: Buffer.concat(parts) };
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

export async function startAnthropicSimulator(opts: AnthropicSimulatorOptions = {}): Promise<AnthropicSimulator> {
  const fixtures = await loadFixtures();
  const requests: RecordedRequest[] = [];
  const queue: AnthropicSimulatorBehaviour[] = [];
  let requestCount = 0;
  let inputTokens = SIMULATED_INPUT_TOKENS;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? '/';
    const resource = path.split('?')[0];
    if (req.method !== 'POST' || (resource !== '/v1/messages' && resource !== '/v1/messages/count_tokens')) {
      sendError(res, 404, `${req.method} ${path} not found`);
      return;
    }
    let body: unknown = raw.toString('utf8');
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      // recorded as text; refused by validate below
    }
    const record: RecordedRequest = { path, headers: req.headers, body, raw };
    requests.push(record);
    captureAnswer(res, record);

    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '' || (opts.apiKey !== undefined && key !== opts.apiKey)) {
      sendError(res, 401, 'invalid x-api-key');
      return;
    }
    if (!req.headers['anthropic-version']) {
      sendError(res, 400, 'anthropic-version: header is required');
      return;
    }
    if (resource === '/v1/messages/count_tokens') {
      const invalidCount = validate(typeof body === 'object' && body !== null ? { max_tokens: 1, ...body } : body);
      if (invalidCount) {
        sendError(res, 400, invalidCount);
        return;
      }
      res.setHeader('request-id', `req_sim_${++requestCount}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: inputTokens }));
      return;
    }
    const invalid = validate(body);
    if (invalid) {
      sendError(res, 400, invalid);
      return;
    }

    const request = body as JsonObject;
    const stream = request.stream === true;
    const withTools = Array.isArray(request.tools) && request.tools.length > 0;
    const behaviour = queue.shift();
    res.setHeader('request-id', `req_sim_${++requestCount}`);

    if (behaviour?.kind === 'error') {
      sendError(res, behaviour.status, behaviour.message ?? 'simulated error', behaviour.type, behaviour.retryAfter);
      return;
    }
    if (!stream) {
      if (behaviour?.kind === 'drop') {
        res.socket?.destroy();
        return;
      }
      if (behaviour?.kind === 'stream-error') {
        const type = behaviour.type ?? 'overloaded_error';
        sendError(res, STATUS_BY_ERROR_TYPE.get(type) ?? 500, behaviour.message ?? 'Overloaded', type);
        return;
      }
      const message = withTools ? renameToolMessage(fixtures.toolMessage, forcedToolName(request)) : fixtures.textMessage;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(message));
      return;
    }

    const name = forcedToolName(request);
    const events = withTools ? fixtures.toolEvents.map((line) => renameToolEvent(line, name)) : fixtures.textEvents;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const limit = behaviour ? (behaviour.afterEvents ?? DEFAULT_AFTER_EVENTS) : events.length;
    for (const line of events.slice(0, limit)) res.write(sse(line));
    if (behaviour?.kind === 'drop') {
      // Let the written events leave before the connection goes.
      res.socket?.end(() => res.socket?.destroy());
      return;
    }
    if (behaviour?.kind === 'stream-error') {
      const error = { type: 'error', error: { type: behaviour.type ?? 'overloaded_error', message: behaviour.message ?? 'Overloaded' } };
      res.write(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
    }
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, `simulator failure: ${String(err)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    setNext: (behaviour) => void queue.push(behaviour),
    setInputTokens: (n) => void (inputTokens = n),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export function renameToolMessage(message: JsonObject, name: string | undefined): JsonObject {
  if (!name) return message;
  const content = (message.content as JsonObject[]).map((block) => (block.type === 'tool_use' ? { ...block, name } : block));
  return { ...message, content };
}
