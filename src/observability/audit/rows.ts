/**
 * RequestRecord ↔ table rows. The field lists are typed against the record, so a field added to
 * RequestRecord or AttemptRecord does not compile until it is given a column here (and a
 * migration in schema.ts).
 */
import type { AttemptRecord, RequestRecord } from '../records/request-record.js';

type Kind = 'text' | 'number' | 'bool';
type SqlValue = string | number | null;

/** Every record field but `attempts` (a table of its own), in column order. */
const REQUEST_FIELDS = {
  time: 'text', request_id: 'text', gateway_key: 'text', router: 'text', endpoint: 'text', dialect: 'text',
  stream: 'bool', model_requested: 'text', provider: 'text', model: 'text', provider_key: 'text',
  status: 'number', outcome: 'text', error_code: 'text', input_tokens: 'number', output_tokens: 'number',
  cached_tokens: 'number', cache_write_tokens: 'number', reasoning_tokens: 'number', incomplete: 'bool',
  cost_usd: 'number', price_source: 'text', latency_ms: 'number', first_byte_ms: 'number', overhead_ms: 'number',
  cache: 'text', request_body: 'text', response_body: 'text',
} as const satisfies { [K in Exclude<keyof RequestRecord, 'attempts'>]-?: Kind };

const ATTEMPT_FIELDS = {
  attempt: 'number', provider: 'text', provider_key: 'text', model: 'text', status: 'number', ok: 'bool',
  error_code: 'text', error: 'text', upstream_ms: 'number',
} as const satisfies { [K in keyof AttemptRecord]-?: Kind };

type RequestField = keyof typeof REQUEST_FIELDS;
type AttemptField = keyof typeof ATTEMPT_FIELDS;

export const REQUEST_COLUMNS = Object.keys(REQUEST_FIELDS) as RequestField[];
export const ATTEMPT_COLUMNS = Object.keys(ATTEMPT_FIELDS) as AttemptField[];
const BODY_COLUMNS = new Set<string>(['request_body', 'response_body']);

/** `time_ms` follows `time`; `?` placeholders in REQUEST_COLUMNS order. */
export const INSERT_REQUEST = `INSERT INTO requests (time_ms, ${REQUEST_COLUMNS.join(', ')}) VALUES (?, ${REQUEST_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (request_id) DO NOTHING`;
export const INSERT_ATTEMPT = `INSERT INTO attempts (request_row, request_id, ${ATTEMPT_COLUMNS.join(', ')}) VALUES (?, ?, ${ATTEMPT_COLUMNS.map(() => '?').join(', ')})`;

function toSql(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return String(value);
}

/** The INSERT_REQUEST parameters; bodies only when they are kept (`audit.bodies`). */
export function requestParams(record: RequestRecord, requestId: string, bodies: boolean): SqlValue[] {
  const ms = Date.parse(record.time);
  const params: SqlValue[] = [Number.isFinite(ms) ? ms : Date.now()];
  for (const column of REQUEST_COLUMNS) {
    if (column === 'request_id') params.push(requestId);
    else if (!bodies && BODY_COLUMNS.has(column)) params.push(null);
    else params.push(toSql(record[column]));
  }
  return params;
}

export function attemptParams(requestRow: number | bigint, requestId: string, attempt: AttemptRecord): SqlValue[] {
  const params: SqlValue[] = [Number(requestRow), requestId];
  for (const column of ATTEMPT_COLUMNS) params.push(toSql(attempt[column]));
  return params;
}

function fromSql(kind: Kind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return kind === 'bool' ? value === 1 || value === 1n : value;
}

/** A `requests` row (selected with REQUEST_COLUMNS) back to a record; bodies appear only when stored. */
export function recordFromRow(row: Record<string, unknown>, attempts: AttemptRecord[]): RequestRecord {
  const record: Record<string, unknown> = {};
  for (const column of REQUEST_COLUMNS) {
    if (column === 'cache') record.attempts = attempts; // the record's field order
    const value = fromSql(REQUEST_FIELDS[column], row[column]);
    if (BODY_COLUMNS.has(column) && value === null) continue;
    record[column] = value;
  }
  return record as unknown as RequestRecord;
}

export function attemptFromRow(row: Record<string, unknown>): AttemptRecord {
  const attempt: Record<string, unknown> = {};
  for (const column of ATTEMPT_COLUMNS) attempt[column] = fromSql(ATTEMPT_FIELDS[column], row[column]);
  return attempt as unknown as AttemptRecord;
}
