/**
 * A local stand-in for Gemini's native API, replaying recorded responses.
 *
 *   const sim = await startGeminiSimulator({ apiKey: 'test-key' });
 *   // provider base URL: `${sim.url}/` (the adapter appends `v1beta/models/...`)
 *   sim.setNext({ kind: 'error', status: 429, body: sim.recorded429 });
 *   ...
 *   sim.requests;      // every request received: { path, headers, body (parsed JSON or raw text) }
 *   await sim.close();
 *
 * Routes (POST, under `/v1beta/models/{model}`):
 * - `:generateContent` → one JSON response assembled from the recorded stream (text, or the
 *   tool-call recording when the request declares `tools`);
 * - `:streamGenerateContent?alt=sse` → the recorded chunks as `data: <json>\r\n\r\n`, no sentinel,
 *   ending at EOF (test/fixtures/recorded/google/google-{text,tool-call}.chunks.txt);
 * - `:batchEmbedContents` → one deterministic vector per request entry (length
 *   `outputDimensionality`, default 8).
 * Every route requires `x-goog-api-key` equal to `opts.apiKey` (default `test-key`); otherwise it
 * answers like Google does: 400 INVALID_ARGUMENT with ErrorInfo reason `API_KEY_INVALID`.
 * Unknown paths answer 404 NOT_FOUND in Google's envelope.
 *
 * `setNext(behaviour)` queues an override for the next request (one per call, first in first out):
 * - `{ kind: 'error', status, body, headers? }` — answer with that status and body (string or object);
 * - `{ kind: 'drop', afterEvents }` — stream that many recorded events, then destroy the socket;
 * - `{ kind: 'truncate', afterEvents }` — stream that many events, then end cleanly (no finishReason);
 * - `{ kind: 'stream-error', afterEvents, error }` — stream that many events, then `data: {"error":…}`;
 * - `{ kind: 'chunks', lines }` — stream these event payloads instead of a recording;
 * - `{ kind: 'json', body }` — answer `generateContent` with this body;
 * - `{ kind: 'hang' }` — accept the request and never answer (for timeout tests).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GeminiBehaviour =
  | { kind: 'error'; status: number; body: string | object; headers?: Record<string, string> }
  | { kind: 'drop'; afterEvents: number }
  | { kind: 'truncate'; afterEvents: number }
  | { kind: 'stream-error'; afterEvents: number; error: object }
  | { kind: 'chunks'; lines: string[] }
  | { kind: 'json'; body: object }
  | { kind: 'hang' };

export interface GeminiSimulatorOptions {
  apiKey?: string;
}

export interface RecordedGeminiRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface GeminiSimulator {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  requests: RecordedGeminiRequest[];
  setNext(behaviour: GeminiBehaviour): void;
  close(): Promise<void>;
  /** The recorded 429 body (RESOURCE_EXHAUSTED with RetryInfo 34.4s), for `setNext`. */
  recorded429: object;
}

const FIXTURES = new URL('../fixtures/recorded/google/', import.meta.url);
const MODELS_PREFIX = '/v1beta/models/';

export interface Recordings {
  text: string[];
  tool: string[];
  error429: object;
}

export async function loadRecordings(): Promise<Recordings> {
  const lines = async (name: string) => (await readFile(new URL(name, FIXTURES), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return {
    text: await lines('google-text.chunks.txt'),
    tool: await lines('google-tool-call.chunks.txt'),
    error429: JSON.parse(await readFile(new URL('google-429-retry-info.json', FIXTURES), 'utf8')) as object,
  };
}

export const googleError = (code: number, status: string, message: string, details?: object[]) => ({
  error: { code, message, status, ...(details ? { details } : {}) },
});

const INVALID_KEY = googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
  {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason: 'API_KEY_INVALID',
    domain: 'googleapis.com',
    metadata: { service: 'generativelanguage.googleapis.com' },
  },
]);

interface StreamChunk {
  candidates?: Array<{ content?: { parts?: Array<Record<string, unknown>>; role?: string }; finishReason?: string; index?: number }>;
  [key: string]: unknown;
}

/** Folds a recorded stream into the single response `generateContent` would have returned. */
export function assembleResponse(lines: string[]): object {
  const parts: Array<Record<string, unknown>> = [];
  let last: StreamChunk = {};
  let finishReason: string | undefined;
  for (const line of lines) {
    const chunk = JSON.parse(line) as StreamChunk;
    last = chunk;
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      const previous = parts[parts.length - 1];
      if (typeof part.text === 'string' && previous && typeof previous.text === 'string' && !previous.thoughtSignature) {
        previous.text += part.text;
        if (part.thoughtSignature) previous.thoughtSignature = part.thoughtSignature;
      } else {
        parts.push({ ...part });
      }
    }
    finishReason = candidate?.finishReason ?? finishReason;
  }
  return { ...last, candidates: [{ content: { parts, role: 'model' }, finishReason, index: 0 }] };
}

/** A stable pseudo-embedding so tests can assert exact values. */
export function fakeEmbedding(text: string, dims: number): number[] {
  let seed = 0;
  for (let i = 0; i < text.length; i++) seed = (seed * 31 + text.charCodeAt(i)) >>> 0;
  const values: number[] = [];
  for (let i = 0; i < dims; i++) values.push(((seed + i * 7919) % 1000) / 1000);
  return values;
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(payload);
}

export async function streamLines(res: ServerResponse, lines: string[], ending: 'eof' | 'drop' | { error: object }): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const line of lines) {
    res.write(`data: ${line}\r\n\r\n`);
    // Let each event leave as its own write, as a real upstream would send it.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (ending === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (ending !== 'eof') res.write(`data: ${JSON.stringify(ending.error)}\r\n\r\n`);
  res.end();
}

/** A server on a free 127.0.0.1 port running `handle`; a handler's failure is a 500 in Google's envelope. */
export async function listenGoogle(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, googleError(500, 'INTERNAL', String(err)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

export async function startGeminiSimulator(opts: GeminiSimulatorOptions = {}): Promise<GeminiSimulator> {
  const apiKey = opts.apiKey ?? 'test-key';
  const recordings = await loadRecordings();
  const requests: RecordedGeminiRequest[] = [];
  const queue: GeminiBehaviour[] = [];
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const body = await readBody(req);
    requests.push({ path, headers: req.headers, body });

    if (req.headers['x-goog-api-key'] !== apiKey) return sendJson(res, 400, INVALID_KEY);
    const [resourcePath, query = ''] = path.split('?', 2);
    const colon = resourcePath.lastIndexOf(':');
    if (req.method !== 'POST' || !resourcePath.startsWith(MODELS_PREFIX) || colon < 0) {
      return sendJson(res, 404, googleError(404, 'NOT_FOUND', `Requested entity was not found: ${path}`));
    }
    const method = resourcePath.slice(colon + 1);
    const next = queue.shift();

    if (next?.kind === 'error') return sendJson(res, next.status, next.body, next.headers);
    if (next?.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }

    const hasTools = Array.isArray((body as { tools?: unknown } | undefined)?.tools);
    const recorded = hasTools ? recordings.tool : recordings.text;

    switch (method) {
      case 'generateContent':
        return sendJson(res, 200, next?.kind === 'json' ? next.body : assembleResponse(recorded));
      case 'streamGenerateContent': {
        if (!query.split('&').includes('alt=sse')) {
          return sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', 'simulator serves streams only with alt=sse'));
        }
        if (next?.kind === 'chunks') return streamLines(res, next.lines, 'eof');
        if (next?.kind === 'drop') return streamLines(res, recorded.slice(0, next.afterEvents), 'drop');
        if (next?.kind === 'truncate') return streamLines(res, recorded.slice(0, next.afterEvents), 'eof');
        if (next?.kind === 'stream-error') return streamLines(res, recorded.slice(0, next.afterEvents), { error: next.error });
        return streamLines(res, recorded, 'eof');
      }
      case 'batchEmbedContents': {
        const entries = (body as { requests?: Array<{ content?: { parts?: Array<{ text?: string }> }; outputDimensionality?: number }> } | undefined)?.requests;
        if (!Array.isArray(entries)) return sendJson(res, 400, googleError(400, 'INVALID_ARGUMENT', 'requests is required'));
        const embeddings = entries.map((entry) => ({
          values: fakeEmbedding(entry.content?.parts?.map((p) => p.text ?? '').join('') ?? '', entry.outputDimensionality ?? 8),
        }));
        return sendJson(res, 200, { embeddings });
      }
      default:
        return sendJson(res, 404, googleError(404, 'NOT_FOUND', `Unknown method ${method}`));
    }
  };

  const { server, port } = await listenGoogle(handle);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    recorded429: recordings.error429,
    setNext: (behaviour) => {
      queue.push(behaviour);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
