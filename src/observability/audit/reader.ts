/**
 * Reading the audit log (the `logs` and `usage` commands): a read-only connection, so it works
 * beside the gateway's writers (WAL: a reader sees the last committed batch and never blocks them).
 */
import { databasePath, openDatabase, type Database } from '../../storage/database.js';
import { schemaVersion } from '../../storage/migrate.js';
import type { AttemptRecord, RequestRecord } from '../records/request-record.js';
import { ATTEMPT_COLUMNS, REQUEST_COLUMNS, attemptFromRow, recordFromRow } from './rows.js';
import { AUDIT_COMPONENT, AUDIT_MIGRATIONS } from './schema.js';

export class NotAnAuditLogError extends Error {}

/** Inclusive status ranges: `5xx` is 500–599, `429` is 429–429. */
export interface StatusRange {
  min: number;
  max: number;
}

export interface RecordFilter {
  sinceMs?: number;
  /** Exclusive. */
  untilMs?: number;
  provider?: string;
  router?: string;
  gatewayKey?: string;
  status?: StatusRange[];
}

export interface StoredRecord {
  /** The row id: grows with every record written, for following new ones. */
  row: number;
  record: RequestRecord;
}

export const USAGE_GROUPS = ['provider', 'provider-key', 'router', 'model', 'key', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageRow {
  /** The provider, key, router, `provider/model`, gateway key or UTC day; null when the records have none. */
  group: string | null;
  requests: number;
  /** Requests the client got a 4xx/5xx (or 499) for. */
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** The priced requests' cost; null when none was priced. */
  cost_usd: number | null;
  /** Answered requests without a price (unknown model or no usage reported): their cost is unknown, not 0. */
  unpriced: number;
}

const GROUP_SQL: Record<UsageGroup, string> = {
  provider: 'provider',
  'provider-key': 'provider_key',
  router: 'router',
  model: "CASE WHEN model IS NULL THEN NULL ELSE coalesce(provider, '?') || '/' || model END",
  key: 'gateway_key',
  day: 'substr(time, 1, 10)',
};

const SELECT_REQUEST = `SELECT id, ${REQUEST_COLUMNS.join(', ')} FROM requests`;
const SELECT_ATTEMPTS = `SELECT request_row, ${ATTEMPT_COLUMNS.join(', ')} FROM attempts WHERE request_row IN (SELECT value FROM json_each(?)) ORDER BY request_row, attempt`;

/** Waits this long for a write lock's end (a checkpoint) before a read fails. */
const READER_BUSY_MS = 5_000;

export class AuditReader {
  constructor(
    private readonly db: Database,
    readonly file: string,
  ) {}

  /** Newest first. */
  records(filter: RecordFilter, limit: number): StoredRecord[] {
    const where = whereClause(filter);
    const rows = this.db.prepare(`${SELECT_REQUEST} ${where.sql} ORDER BY time_ms DESC, id DESC LIMIT ?`).all(...where.params, limit);
    return this.withAttempts(rows as Record<string, unknown>[]);
  }

  /** Records in rows (after, upTo], oldest first (`--follow`: what was written since the last look). */
  recordsBetween(after: number, upTo: number, filter: RecordFilter): StoredRecord[] {
    const where = whereClause(filter, [['id > ?', after], ['id <= ?', upTo]]);
    const rows = this.db.prepare(`${SELECT_REQUEST} ${where.sql} ORDER BY id`).all(...where.params);
    return this.withAttempts(rows as Record<string, unknown>[]);
  }

  /** The last row written so far (0 when empty). */
  lastRow(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) FROM requests').pluck().get() as number) ?? 0;
  }

  usage(filter: RecordFilter, by: UsageGroup): UsageRow[] {
    const where = whereClause(filter);
    const answeredUnpriced = "cost_usd IS NULL AND (input_tokens IS NOT NULL OR outcome IN ('ok', 'interrupted'))";
    // Aliases differ from the column names, so ORDER BY means the sums.
    const order = by === 'day' ? 'grp' : 'cost IS NULL, cost DESC, requests DESC, grp';
    const sql = `SELECT ${GROUP_SQL[by]} AS grp, count(*) AS requests, total(status >= 400) AS errors,
        total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens, total(cached_tokens) AS cached_tokens,
        total(cache_write_tokens) AS cache_write_tokens, total(reasoning_tokens) AS reasoning_tokens,
        sum(cost_usd) AS cost, total(${answeredUnpriced}) AS unpriced
      FROM requests ${where.sql} GROUP BY grp ORDER BY ${order}`;
    return (this.db.prepare(sql).all(...where.params) as Record<string, unknown>[]).map((r) => ({
      group: (r.grp as string | null) ?? null,
      requests: Number(r.requests),
      errors: Number(r.errors),
      input_tokens: Number(r.input_tokens),
      output_tokens: Number(r.output_tokens),
      cached_tokens: Number(r.cached_tokens),
      cache_write_tokens: Number(r.cache_write_tokens),
      reasoning_tokens: Number(r.reasoning_tokens),
      cost_usd: r.cost === null ? null : Number(r.cost),
      unpriced: Number(r.unpriced),
    }));
  }

  close(): void {
    this.db.close();
  }

  private withAttempts(rows: Record<string, unknown>[]): StoredRecord[] {
    if (rows.length === 0) return [];
    const byRow = new Map<number, AttemptRecord[]>();
    const ids = rows.map((r) => Number(r.id));
    for (const a of this.db.prepare(SELECT_ATTEMPTS).all(JSON.stringify(ids)) as Record<string, unknown>[]) {
      const row = Number(a.request_row);
      let list = byRow.get(row);
      if (!list) byRow.set(row, (list = []));
      list.push(attemptFromRow(a));
    }
    return rows.map((r) => ({ row: Number(r.id), record: recordFromRow(r, byRow.get(Number(r.id)) ?? []) }));
  }
}

/** Adds up usage rows (the totals line); cost stays null when nothing was priced. */
export function totalUsage(rows: readonly UsageRow[]): Omit<UsageRow, 'group'> {
  const total: Omit<UsageRow, 'group'> = { requests: 0, errors: 0, input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: null, unpriced: 0 };
  for (const r of rows) {
    total.requests += r.requests;
    total.errors += r.errors;
    total.input_tokens += r.input_tokens;
    total.output_tokens += r.output_tokens;
    total.cached_tokens += r.cached_tokens;
    total.cache_write_tokens += r.cache_write_tokens;
    total.reasoning_tokens += r.reasoning_tokens;
    total.unpriced += r.unpriced;
    if (r.cost_usd !== null) total.cost_usd = (total.cost_usd ?? 0) + r.cost_usd;
  }
  return total;
}

function whereClause(filter: RecordFilter, extra: [string, number][] = []): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]): void => {
    parts.push(sql);
    params.push(...values);
  };
  for (const [sql, value] of extra) add(sql, value);
  if (filter.sinceMs !== undefined) add('time_ms >= ?', filter.sinceMs);
  if (filter.untilMs !== undefined) add('time_ms < ?', filter.untilMs);
  if (filter.provider !== undefined) add('provider = ?', filter.provider);
  if (filter.router !== undefined) add('router = ?', filter.router);
  if (filter.gatewayKey !== undefined) add('gateway_key = ?', filter.gatewayKey);
  if (filter.status && filter.status.length > 0) {
    add(`(${filter.status.map(() => 'status BETWEEN ? AND ?').join(' OR ')})`, ...filter.status.flatMap((s) => [s.min, s.max]));
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

/** Opens `storage.path`'s database to read; NoDatabaseError when the gateway has not created it yet. */
export async function openAuditReader(storagePath: string, cwd = process.cwd()): Promise<AuditReader> {
  const file = databasePath(storagePath, cwd);
  const db = await openDatabase(file, { busyTimeoutMs: READER_BUSY_MS, readOnly: true });
  try {
    const version = schemaVersion(db, AUDIT_COMPONENT);
    if (version === 0) throw new NotAnAuditLogError(`${file} holds no audit log`);
    if (version > AUDIT_MIGRATIONS.length) throw new NotAnAuditLogError(`${file} was written by a newer ai-gateway (audit schema ${version}, this one reads ${AUDIT_MIGRATIONS.length})`);
  } catch (err) {
    db.close();
    throw err;
  }
  return new AuditReader(db, file);
}
