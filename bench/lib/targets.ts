/**
 * What the bench sends to each target, and a smoke check that the target really answers a chat
 * completion (right shape, same text as the upstream) before any load is measured. A target that
 * fails its smoke check is reported as n/a with the reason instead of producing numbers.
 */
import type { RequestSpec } from './load.js';

export type Mode = 'json' | 'stream';
export type Dialect = 'openai' | 'anthropic';

export type TargetId = 'direct' | 'direct-anthropic' | 'noop' | 'portkey' | 'gateway' | 'gateway-translate' | 'gateway-base';

export const TARGET_LABELS: Record<TargetId, string> = {
  'gateway-base': 'gateway (base build)',
  direct: 'direct (OpenAI sim)',
  'direct-anthropic': 'direct (Anthropic sim)',
  noop: 'noop proxy',
  portkey: 'Portkey',
  gateway: 'gateway passthrough',
  'gateway-translate': 'gateway translated',
};

export const OPENAI_MODEL = 'gpt-4o-mini';
export const ANTHROPIC_MODEL = 'claude-haiku-4-5';
const PROMPT = [{ role: 'user', content: 'Say hello.' }];

export interface Target {
  id: TargetId;
  dialect: Dialect;
  /** Which direct target its added latency is measured against. */
  baseline: TargetId;
  request(mode: Mode): RequestSpec;
}

function openaiBody(model: string, mode: Mode): string {
  return JSON.stringify({ model, messages: PROMPT, max_tokens: 64, ...(mode === 'stream' ? { stream: true } : {}) });
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const CLIENT_AUTH = { ...JSON_HEADERS, authorization: 'Bearer bench-client-key' };

/** OpenAI chat completions at `url`; `extraHeaders` e.g. Portkey's routing headers. */
export function openaiTarget(id: TargetId, url: string, model = OPENAI_MODEL, extraHeaders: Record<string, string> = {}, baseline: TargetId = 'direct'): Target {
  const headers = { ...CLIENT_AUTH, ...extraHeaders };
  const bodies = { json: openaiBody(model, 'json'), stream: openaiBody(model, 'stream') };
  return { id, dialect: 'openai', baseline, request: (mode) => ({ url, headers, body: bodies[mode] }) };
}

/** Anthropic Messages straight at the simulator: the floor for the translated route. */
export function anthropicTarget(url: string): Target {
  const headers = { ...JSON_HEADERS, 'x-api-key': 'bench-anthropic-key', 'anthropic-version': '2023-06-01' };
  const body = (mode: Mode): string =>
    JSON.stringify({ model: ANTHROPIC_MODEL, max_tokens: 64, messages: PROMPT, ...(mode === 'stream' ? { stream: true } : {}) });
  const bodies = { json: body('json'), stream: body('stream') };
  return { id: 'direct-anthropic', dialect: 'anthropic', baseline: 'direct-anthropic', request: (mode) => ({ url, headers, body: bodies[mode] }) };
}

// --- smoke checks ---------------------------------------------------------------------------

function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function dataLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('data:')) out.push(line.slice(5).trim());
  }
  return out;
}

/** The assistant text of a response, or an error saying what is wrong with it. */
function extractText(dialect: Dialect, mode: Mode, body: string): string | Error {
  try {
    if (mode === 'json') {
      const parsed: unknown = JSON.parse(body);
      const text = dialect === 'openai' ? field(parsed, 'choices', 0, 'message', 'content') : field(parsed, 'content', 0, 'text');
      return typeof text === 'string' ? text : new Error('no assistant text in response');
    }
    let text = '';
    let finished = false;
    for (const data of dataLines(body)) {
      if (dialect === 'openai' && data === '[DONE]') {
        finished = true;
        continue;
      }
      const event: unknown = JSON.parse(data);
      if (field(event, 'error') !== undefined) return new Error(`error event in stream: ${data.slice(0, 200)}`);
      const piece = dialect === 'openai' ? field(event, 'choices', 0, 'delta', 'content') : field(event, 'delta', 'text');
      if (typeof piece === 'string') text += piece;
      if (dialect === 'anthropic' && field(event, 'type') === 'message_stop') finished = true;
    }
    if (!finished) return new Error(dialect === 'openai' ? 'stream did not end with data: [DONE]' : 'stream had no message_stop');
    return text;
  } catch (error) {
    return new Error(`unparseable response: ${(error as Error).message}`);
  }
}

export interface SmokeResult {
  ok: boolean;
  text?: string;
  detail?: string;
}

/** One request; checks status, content type, shape, and (when given) the text against `expected`. */
export async function smoke(target: Target, mode: Mode, expected?: string): Promise<SmokeResult> {
  const spec = target.request(mode);
  try {
    const response = await fetch(spec.url, { method: 'POST', headers: spec.headers, body: spec.body, signal: AbortSignal.timeout(15_000) });
    const body = await response.text();
    if (response.status !== 200) return { ok: false, detail: `HTTP ${response.status}: ${body.slice(0, 300)}` };
    const type = response.headers.get('content-type') ?? '';
    const wanted = mode === 'stream' ? 'text/event-stream' : 'application/json';
    if (!type.includes(wanted)) return { ok: false, detail: `content-type ${type || '(none)'}, expected ${wanted}: ${body.slice(0, 200)}` };
    const text = extractText(target.dialect, mode, body);
    if (text instanceof Error) return { ok: false, detail: text.message };
    if (expected !== undefined && text !== expected) return { ok: false, detail: `text ${JSON.stringify(text)} differs from upstream's ${JSON.stringify(expected)}` };
    return { ok: true, text };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
