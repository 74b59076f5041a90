/**
 * A local AWS Bedrock runtime simulator for tests (node:http on 127.0.0.1, random port).
 *
 *   const sim = await startBedrockSimulator({ accessKeyId, secretAccessKey, region });
 *   sim.url          // 'http://127.0.0.1:PORT/' — use as the provider base URL
 *   sim.requests     // every request received: method, path, headers, body, json, signatureValid
 *   sim.setNext(b)   // force the next request's behaviour (consumed once):
 *                    //   { kind: 'throttle', retryAfter? }         → 429 ThrottlingException
 *                    //   { kind: 'stream-exception', exceptionType?, message? }
 *                    //        → converse-stream: a few events, then an exception frame
 *                    //   { kind: 'drop' }                         → socket destroyed (mid-stream for streams)
 *   await sim.close()
 *
 * Every request must carry a valid SigV4 signature (service `bedrock`, the simulator's region and
 * key). The simulator verifies it independently with node:crypto by rebuilding the canonical
 * request from what arrived on the wire (method, path, the headers named in SignedHeaders, the
 * body) — not with the signer under test. A missing or bad signature gets 403 with
 * `x-amzn-errortype: InvalidSignatureException`, as Bedrock answers.
 *
 * Routes:
 *   POST /model/{id}/converse         recorded Converse JSON; a toolUse answer when the request has tools
 *   POST /model/{id}/converse-stream  binary event-stream frames of the recorded text stream (with
 *                                     `p` padding, written in odd-sized pieces); a tool-use sequence
 *                                     when the request has tools
 *   POST /model/{id}/invoke           Titan embeddings {embedding, inputTextTokenCount}
 *
 * Also exported for tests: `encodeEventFrame`, `encodeExceptionFrame`, `computeSigV4Signature`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface BedrockSimulatorOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export type BedrockBehaviour =
  | { kind: 'throttle'; retryAfter?: number }
  | { kind: 'stream-exception'; exceptionType?: string; message?: string }
  | { kind: 'drop' };

export interface RecordedBedrockRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  signatureValid: boolean;
  signatureProblem?: string;
}

export interface BedrockSimulator {
  url: string;
  requests: RecordedBedrockRequest[];
  close(): Promise<void>;
  setNext(behaviour: BedrockBehaviour): void;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function encodeEventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export function encodeExceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

// ---------------------------------------------------------------------------------------------
// SigV4 verification, written from the algorithm description (independent of @smithy).

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const escapeUri = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface SignableWireRequest {
  method: string;
  /** Path and query exactly as on the wire. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string | Buffer;
}

/** The hex signature for a request, given the signed header names and the scope. */
export function computeSigV4Signature(
  req: SignableWireRequest,
  scope: { secretAccessKey: string; region: string; service: string },
  amzDate: string,
  signedHeaders: string[],
): string {
  const q = req.path.indexOf('?');
  const rawPath = q >= 0 ? req.path.slice(0, q) : req.path;
  // Non-S3 services encode the (already encoded) path once more, segment by segment.
  const canonicalUri = rawPath.split('/').map(escapeUri).join('/');
  const canonicalQuery =
    q < 0
      ? ''
      : [...new URLSearchParams(req.path.slice(q + 1))]
          .map(([k, v]) => `${escapeUri(k)}=${escapeUri(v)}`)
          .sort()
          .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const raw = req.headers[name];
      const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
      return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), sha256Hex(req.body)].join('\n');
  const date = amzDate.slice(0, 8);
  const credentialScope = `${date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${scope.secretAccessKey}`, date), scope.region), scope.service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

const MAX_SKEW_MS = 5 * 60 * 1000;

function verifySignature(req: SignableWireRequest, opts: BedrockSimulatorOptions): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('AWS4-HMAC-SHA256 ')) return 'missing authorization';
  const fields = new Map<string, string>();
  for (const part of auth.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/') ?? [];
  const signedHeaders = fields.get('SignedHeaders')?.split(';') ?? [];
  const signature = fields.get('Signature') ?? '';
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') return 'missing x-amz-date';
  const [akid, date, region, service, terminator] = credential;
  if (akid !== opts.accessKeyId) return 'unknown access key';
  if (date !== amzDate.slice(0, 8) || region !== opts.region || service !== 'bedrock' || terminator !== 'aws4_request') {
    return `bad credential scope ${credential.slice(1).join('/')}`;
  }
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return 'host and x-amz-date must be signed';
  const when = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  if (!Number.isFinite(when) || Math.abs(Date.now() - when) > MAX_SKEW_MS) return 'signature expired or clock skew';
  const contentSha = req.headers['x-amz-content-sha256'];
  if (typeof contentSha === 'string' && contentSha !== sha256Hex(req.body)) return 'x-amz-content-sha256 does not match the body';
  const expected = computeSigV4Signature(req, { secretAccessKey: opts.secretAccessKey, region: opts.region, service: 'bedrock' }, amzDate, signedHeaders);
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'signature mismatch';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Canned answers.

interface ConverseRequestShape {
  toolConfig?: { tools?: Array<{ toolSpec?: { name?: string } }>; toolChoice?: { tool?: { name?: string } } };
}

interface Fixtures {
  converse: string;
  streamEvents: Array<[string, unknown]>;
}

async function loadFixtures(): Promise<Fixtures> {
  const dir = new URL('../fixtures/recorded/bedrock/', import.meta.url);
  const [converse, chunks] = await Promise.all([
    readFile(new URL('amazon-bedrock-text.json', dir), 'utf8'),
    readFile(new URL('amazon-bedrock-text.chunks.txt', dir), 'utf8'),
  ]);
  const streamEvents = chunks
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Object.entries(JSON.parse(line) as Record<string, unknown>)[0] as [string, unknown]);
  return { converse, streamEvents };
}

/** The tool the simulated model calls: the forced one, else the first offered. */
function toolToCall(req: ConverseRequestShape): string | undefined {
  return req.toolConfig?.toolChoice?.tool?.name ?? req.toolConfig?.tools?.[0]?.toolSpec?.name;
}

const TOOL_USE_ID = 'tooluse_sim0001';
const TOOL_INPUT = '{"location":"Paris","unit":"celsius"}';

function toolUseResponse(name: string): unknown {
  return {
    output: {
      message: {
        role: 'assistant',
        content: [{ text: 'Let me check.' }, { toolUse: { toolUseId: TOOL_USE_ID, name, input: JSON.parse(TOOL_INPUT) } }],
      },
    },
    stopReason: 'tool_use',
    usage: { inputTokens: 40, outputTokens: 20, totalTokens: 60 },
    metrics: { latencyMs: 12 },
  };
}

function toolUseEvents(name: string): Array<[string, unknown]> {
  return [
    ['messageStart', { role: 'assistant' }],
    ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me check.' } }],
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['contentBlockStart', { contentBlockIndex: 1, start: { toolUse: { toolUseId: TOOL_USE_ID, name } } }],
    ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: TOOL_INPUT.slice(0, 13) } } }],
    ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: TOOL_INPUT.slice(13) } } }],
    ['contentBlockStop', { contentBlockIndex: 1 }],
    ['messageStop', { stopReason: 'tool_use' }],
    ['metadata', { usage: { inputTokens: 40, outputTokens: 20, totalTokens: 60 }, metrics: { latencyMs: 12 } }],
  ];
}

/** Real Bedrock pads payloads with a random-length `p` field; clients must ignore it. */
function padded(payload: unknown, i: number): unknown {
  return { ...(payload as Record<string, unknown>), p: 'abcdefghijklmnopqrstuvwxyz'.slice(0, (i * 7) % 26) };
}

function titanResponse(body: { inputText?: string; dimensions?: number }): unknown {
  const dims = body.dimensions ?? 1024;
  const text = body.inputText ?? '';
  const raw = Array.from({ length: dims }, (_, i) => Math.sin(i + text.length));
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0)) || 1;
  return { embedding: raw.map((v) => v / norm), inputTextTokenCount: text.split(/\s+/).filter(Boolean).length };
}

function sendError(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': 'sim-request-id',
    ...extra,
  });
  res.end(JSON.stringify({ message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function writeStream(res: ServerResponse, events: Array<[string, unknown]>, behaviour: BedrockBehaviour | undefined): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'sim-request-id' });
  const cut = behaviour?.kind === 'stream-exception' || behaviour?.kind === 'drop' ? 3 : events.length;
  const frames = events.slice(0, cut).map(([type, payload], i) => encodeEventFrame(type, padded(payload, i)));
  if (behaviour?.kind === 'stream-exception') {
    frames.push(encodeExceptionFrame(behaviour.exceptionType ?? 'modelStreamErrorException', behaviour.message ?? 'The model stream failed.'));
  }
  const all = Buffer.concat(frames);
  // Odd-sized writes so frames straddle network chunks.
  for (let offset = 0, step = 37; offset < all.length; offset += step, step = step === 37 ? 101 : 37) {
    res.write(all.subarray(offset, offset + step));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (behaviour?.kind === 'drop') {
    res.socket?.destroy();
    return;
  }
  res.end();
}

export async function startBedrockSimulator(opts: BedrockSimulatorOptions): Promise<BedrockSimulator> {
  const fixtures = await loadFixtures();
  const requests: RecordedBedrockRequest[] = [];
  let next: BedrockBehaviour | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const problem = verifySignature({ method: req.method ?? 'GET', path, headers: req.headers, body }, opts);
    let json: unknown;
    try {
      json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: body.toString('utf8'), json, signatureValid: !problem, signatureProblem: problem });
    if (problem) {
      sendError(res, 403, 'InvalidSignatureException', `The request signature we calculated does not match the signature you provided (${problem}).`);
      return;
    }
    const behaviour = next;
    next = undefined;
    if (behaviour?.kind === 'throttle') {
      const extra: Record<string, string> = behaviour.retryAfter !== undefined ? { 'retry-after': String(behaviour.retryAfter) } : {};
      sendError(res, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.', extra);
      return;
    }
    const segments = path.split('?')[0].split('/');
    const action = segments[segments.length - 1];
    if (req.method !== 'POST' || segments[segments.length - 3] !== 'model') {
      sendError(res, 404, 'UnknownOperationException', 'Unknown operation.');
      return;
    }
    if (behaviour?.kind === 'drop' && action !== 'converse-stream') {
      res.socket?.destroy();
      return;
    }
    const converse = (json ?? {}) as ConverseRequestShape;
    const tool = toolToCall(converse);
    if (action === 'converse') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'sim-request-id' });
      res.end(tool ? JSON.stringify(toolUseResponse(tool)) : fixtures.converse);
      return;
    }
    if (action === 'converse-stream') {
      await writeStream(res, tool ? toolUseEvents(tool) : fixtures.streamEvents, behaviour);
      return;
    }
    if (action === 'invoke') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'sim-request-id' });
      res.end(JSON.stringify(titanResponse((json ?? {}) as { inputText?: string; dimensions?: number })));
      return;
    }
    sendError(res, 404, 'UnknownOperationException', `Unknown operation ${action}.`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerException', err instanceof Error ? err.message : 'simulator failure');
      else res.destroy();
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
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
