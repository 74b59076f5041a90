/** Request records for audit log tests, and a quiet logger that keeps what it was told. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { AttemptRecord, RequestRecord } from '../../src/observability/records/request-record.js';

let seq = 0;

export function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return { attempt: 1, provider: 'openai', provider_key: 'env:OPENAI_API_KEY …cdef', model: 'gpt-4o-mini', status: 200, ok: true, error_code: null, error: null, upstream_ms: 80.5, ...overrides };
}

/** A served chat request (openai, router `oa`); `overrides` change any field. */
export function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  seq++;
  return {
    time: new Date().toISOString(),
    request_id: `req-${process.pid}-${seq}`,
    gateway_key: null,
    router: 'oa',
    endpoint: 'chat',
    dialect: 'openai-chat',
    stream: false,
    model_requested: 'gpt-4o-mini',
    provider: 'openai',
    model: 'gpt-4o-mini',
    provider_key: 'env:OPENAI_API_KEY …cdef',
    status: 200,
    outcome: 'ok',
    error_code: null,
    input_tokens: 120,
    output_tokens: 30,
    cached_tokens: 100,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    incomplete: false,
    cost_usd: 0.000123,
    price_source: 'genai-prices@0.0.0',
    latency_ms: 95.25,
    first_byte_ms: 82.5,
    overhead_ms: 2,
    attempts: [attempt()],
    cache: null,
    ...overrides,
  };
}

export interface QuietLogger {
  logger: Logger;
  lines: () => Record<string, unknown>[];
}

export function quietLogger(): QuietLogger {
  let text = '';
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void (text += line) });
  return { logger, lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export async function tempDataDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'ai-gateway-audit-')), 'data');
}
