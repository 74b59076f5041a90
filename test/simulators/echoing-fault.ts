/**
 * A provider that echoes the credential it was sent — as some providers and proxies do — in
 * every way a response can carry it. Speaks OpenAI (`/v1/chat/completions`, `/v1/embeddings`)
 * and Anthropic (`/v1/messages`), streaming and not.
 *
 *   const sim = await startEchoingFaultSimulator();
 *   // providers.openai.base-url and providers.anthropic.base-url: sim.url
 *   // each request names its case in its body ("case 17"); sim answers FAULTS[17 % FAULTS.length]
 *   sim.served   // responses sent
 *   await sim.close()
 *
 * A fault says where the key goes (error JSON, plain-text error, headers, a success body, an SSE
 * event, an SSE error event), which piece (whole, first / last / some 16+ characters), in which
 * spelling (raw, percent-encoded, JSON `\/`), and how it is written: in one write, split inside
 * the key across two writes with a pause between them (so the gateway reads two chunks), or a
 * few bytes per write. Non-streamed bodies carry a correct `content-length`, like real providers,
 * and a body written at once is gzip-compressed when the request accepts gzip.
 * The case is read from the body, so a retried request gets the same fault again.
 */
import { listenLocally } from '../helpers/listen.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export type EchoPlace = 'error-json' | 'error-text' | 'header' | 'body' | 'sse-content' | 'sse-error';
export type EchoPiece = 'whole' | 'first16' | 'last16' | 'middle';
export type EchoSpelling = 'raw' | 'percent' | 'json-slash';
export type EchoWrites = 'one' | 'split' | 'trickle';

export interface EchoFault {
  place: EchoPlace;
  piece: EchoPiece;
  spelling: EchoSpelling;
  writes: EchoWrites;
}

const PLACES: EchoPlace[] = ['error-json', 'error-text', 'header', 'body', 'sse-content', 'sse-error'];
const PIECES: EchoPiece[] = ['whole', 'first16', 'last16', 'middle'];
const SPELLINGS: EchoSpelling[] = ['raw', 'percent', 'json-slash'];
const WRITES: EchoWrites[] = ['one', 'split', 'trickle'];

/** Every combination once: 6 × 4 × 3 × 3 = 216. */
export const FAULTS: EchoFault[] = PLACES.flatMap((place) =>
  PIECES.flatMap((piece) => SPELLINGS.flatMap((spelling) => WRITES.map((writes) => ({ place, piece, spelling, writes })))),
);

export interface EchoingFaultSimulator {
  url: string;
  served: number;
  close(): Promise<void>;
}

function credentialOf(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key : '';
}

/** The piece of `key` a fault echoes; `seed` varies where a middle piece starts. */
export function echoedPiece(key: string, piece: EchoPiece, seed: number): string {
  if (piece === 'whole' || key.length <= 16) return key;
  if (piece === 'first16') return key.slice(0, 16);
  if (piece === 'last16') return key.slice(-16);
  const start = 1 + (seed % Math.max(1, key.length - 18));
  return key.slice(start, Math.min(key.length - 1, start + 16 + (seed % 7)));
}

function spell(text: string, spelling: EchoSpelling): string {
  if (spelling === 'percent') return encodeURIComponent(text);
  if (spelling === 'json-slash') return text.replaceAll('/', '\\/');
  return text;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `body`, splitting it inside the first occurrence of `echo` as the fault says. The
 * pauses let the bytes leave as separate TCP segments, so the gateway sees separate chunks.
 * Non-streamed bodies get a content-length; one written at once is gzipped when accepted.
 */
async function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string, echo: string, writes: EchoWrites, seed: number): Promise<void> {
  const streamed = headers['content-type'] === 'text/event-stream';
  if (!streamed && writes === 'one' && res.req.headers['accept-encoding']?.includes('gzip')) {
    const zipped = gzipSync(body);
    res.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': String(zipped.length) });
    return void res.end(zipped);
  }
  res.writeHead(status, streamed ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  const at = body.indexOf(echo);
  if (writes === 'one' || at === -1) return void res.end(body);
  if (writes === 'split') {
    const cut = at + 1 + (seed % (echo.length - 1));
    res.write(body.slice(0, cut));
    await sleep(15);
    return void res.end(body.slice(cut));
  }
  res.write(body.slice(0, at));
  for (let i = at; i < at + echo.length; i += 3) {
    await sleep(2);
    res.write(body.slice(i, Math.min(i + 3, at + echo.length)));
  }
  await sleep(2);
  res.end(body.slice(at + echo.length));
}

interface Exchange {
  anthropic: boolean;
  embeddings: boolean;
  stream: boolean;
}

function errorBody(x: Exchange, text: string): string {
  return x.anthropic
    ? JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${text}` } })
    : JSON.stringify({ error: { message: `Incorrect API key provided: ${text}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
}

function successBody(x: Exchange, text: string): string {
  if (x.embeddings) return JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: text, usage: { prompt_tokens: 1, total_tokens: 1 } });
  if (x.anthropic) {
    return JSON.stringify({
      id: 'msg_echo', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', stop_reason: 'end_turn', stop_sequence: null,
      content: [{ type: 'text', text: `your key is ${text}` }], usage: { input_tokens: 3, output_tokens: 5 },
    });
  }
  return JSON.stringify({
    id: 'chatcmpl-echo', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: `your key is ${text}` }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
  });
}

/** A stream whose content (or, for `error`, whose mid-stream error event) carries `text`. */
function streamBody(x: Exchange, text: string, error: boolean): string {
  const sse = (event: string | undefined, data: unknown): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
  if (x.anthropic) {
    let out =
      sse('message_start', { type: 'message_start', message: { id: 'msg_echo', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } }) +
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
      sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello. ' } });
    if (error) return out + sse('error', { type: 'error', error: { type: 'overloaded_error', message: `upstream rejected key ${text}` } });
    out += sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `your key is ${text}` } });
    return (
      out +
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
      sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }) +
      sse('message_stop', { type: 'message_stop' })
    );
  }
  const chunk = (delta: unknown, finish: string | null): unknown => ({ id: 'chatcmpl-echo', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
  let out = sse(undefined, chunk({ role: 'assistant', content: '' }, null)) + sse(undefined, chunk({ content: 'Hello. ' }, null));
  if (error) return out + sse(undefined, { error: { message: `upstream rejected key ${text}`, type: 'server_error' } });
  out += sse(undefined, chunk({ content: `your key is ${text}` }, null));
  return out + sse(undefined, chunk({}, 'stop')) + 'data: [DONE]\n\n';
}

async function answer(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const path = req.url ?? '';
  const x: Exchange = { anthropic: path.startsWith('/v1/messages'), embeddings: path.startsWith('/v1/embeddings'), stream: /"stream"\s*:\s*true/.test(raw) };
  const seed = Number(/case (\d+)/.exec(raw)?.[1] ?? 0);
  const fault = FAULTS[seed % FAULTS.length]!;
  const echo = spell(echoedPiece(credentialOf(req), fault.piece, seed), fault.spelling);
  const json = { 'content-type': 'application/json' };
  const event = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
  switch (fault.place) {
    case 'error-json':
    case 'error-text': {
      const body = fault.place === 'error-json' ? errorBody(x, echo) : `bad credential ${echo}\n`;
      const type = fault.place === 'error-json' ? json : { 'content-type': 'text/plain' };
      return send(res, [400, 401, 403, 500][seed % 4]!, type, body, echo, fault.writes, seed);
    }
    case 'header': {
      const ok = seed % 2 === 0;
      const body = !ok ? errorBody(x, 'see headers') : x.stream ? streamBody(x, 'no key here', false) : successBody(x, 'no key here');
      const echoed = {
        'x-request-id': echo,
        'request-id': echo,
        'x-echo-key': `Bearer ${echo}`,
        'www-authenticate': `Bearer realm="api", error="invalid_token", key="${echo}"`,
      };
      return send(res, ok ? 200 : 401, { ...(ok && x.stream ? event : json), ...echoed }, body, echo, 'one', seed);
    }
    case 'body':
      return send(res, 200, x.stream ? event : json, x.stream ? streamBody(x, echo, false) : successBody(x, echo), echo, fault.writes, seed);
    case 'sse-content':
    case 'sse-error': {
      const error = fault.place === 'sse-error';
      if (x.stream) return send(res, 200, event, streamBody(x, echo, error), echo, fault.writes, seed);
      return send(res, error ? 500 : 200, json, error ? errorBody(x, echo) : successBody(x, echo), echo, fault.writes, seed);
    }
  }
}

export async function startEchoingFaultSimulator(): Promise<EchoingFaultSimulator> {
  const sim: EchoingFaultSimulator = { url: '', served: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      sim.served++;
      answer(req, res, raw).catch(() => res.destroy());
    });
  });
  const listening = await listenLocally(server);
  sim.url = listening.url;
  sim.close = listening.close;
  return sim;
}
