/**
 * ai-gateway logs: the audit log's records, newest first — a table, or JSON lines with the
 * record's field names (attempts included). `--follow` prints the latest, then each new record as
 * the gateway writes it (polling for rows past the last one seen), until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import type { RecordFilter, StoredRecord, AuditReader } from '../observability/audit/reader.js';
import type { RequestRecord } from '../observability/records/request-record.js';
import { openConfiguredAuditLog, parseLimit, recordFilter, type LoadStartup } from './audit-args.js';
import { fail } from './fail.js';
import { formatCost, headerLine, layout, rowLine, type Column, type Layout } from './table.js';

const HELP = `Usage: ai-gateway logs [options]   the audit log's requests, newest first

Options:
  -c, --config FILE   the gateway's config (its storage.path names the database)
      --since WHEN    from: a duration back from now (30m, 1h, 7d) or a date/time (2026-01-05,
                      2026-01-05T10:00Z); default 24h
      --until WHEN    up to (same forms)
      --provider P    only requests served by provider P
      --router R      only router R (the unified API is /ai)
      --key NAME      only requests made with gateway key NAME
      --status S      only these statuses: 200, 429, 4xx, 5xx, or several (429,5xx)
      --limit N       at most N records (default 50)
      --json          one JSON object per line, the record's fields and its attempts
  -f, --follow        print the latest records, then new ones as they are written, until Ctrl-C
  -h, --help          show this help`;

const DEFAULT_LIMIT = 50;
const POLL_MS = 250;

const dash = (v: string | number | null): string => (v === null ? '-' : String(v));

function costCell(r: RequestRecord): string {
  if (r.cost_usd !== null) return formatCost(r.cost_usd);
  const answered = r.input_tokens !== null || r.outcome === 'ok' || r.outcome === 'interrupted';
  return answered ? 'unknown' : '-';
}

const COLUMNS: Column<RequestRecord>[] = [
  { header: 'TIME (UTC)', cell: (r) => r.time.slice(0, 19).replace('T', ' ') },
  { header: 'STATUS', cell: (r) => String(r.status), right: true },
  { header: 'ROUTER', cell: (r) => dash(r.router), min: 8 },
  { header: 'PROVIDER', cell: (r) => dash(r.provider), min: 9 },
  { header: 'MODEL', cell: (r) => dash(r.model ?? r.model_requested), min: 16 },
  { header: 'IN', cell: (r) => dash(r.input_tokens), right: true, min: 6 },
  { header: 'OUT', cell: (r) => dash(r.output_tokens), right: true, min: 6 },
  { header: 'COST', cell: costCell, right: true, min: 9 },
  { header: 'LATENCY', cell: (r) => `${Math.round(r.latency_ms)}ms`, right: true },
  { header: 'PROVIDER KEY', cell: (r) => dash(r.provider_key), min: 26 },
  { header: 'GATEWAY KEY', cell: (r) => r.gateway_key ?? '', optional: true },
  { header: 'TRIES', cell: (r) => (r.attempts.length > 1 ? String(r.attempts.length) : ''), right: true, optional: true },
  { header: 'ERROR', cell: (r) => r.error_code ?? (r.outcome !== 'ok' ? r.outcome : r.incomplete ? 'incomplete' : ''), optional: true },
];

interface Printer {
  start(first: readonly RequestRecord[]): void;
  record(r: RequestRecord): void;
}

function printer(json: boolean, follow: boolean): Printer {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  if (json) return { start: (first) => first.forEach((r) => out(JSON.stringify(r))), record: (r) => out(JSON.stringify(r)) };
  let table: Layout<RequestRecord> | undefined;
  return {
    start(first) {
      // Followed rows are printed one at a time: every column is kept, at least its minimum wide.
      table = layout(COLUMNS, first, follow);
      if (first.length > 0 || follow) out(headerLine(table));
      for (const r of first) out(rowLine(table, r));
    },
    record: (r) => out(rowLine(table ?? layout(COLUMNS, [r], true), r)),
  };
}

export async function runLogs(argv: string[], load: LoadStartup): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        since: { type: 'string' },
        until: { type: 'string' },
        provider: { type: 'string' },
        router: { type: 'string' },
        key: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        follow: { type: 'boolean', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\nRun "ai-gateway logs --help" for usage.`);
  }
  const { values } = parsed;
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  if (values.follow && values.until !== undefined) fail('--follow prints records as they come: it takes no --until');
  const filter = recordFilter(values, '24h');
  const limit = parseLimit(values.limit, DEFAULT_LIMIT);
  const startup = await load(values.config);
  const reader = await openConfiguredAuditLog(startup, 'logs');
  process.stdout.on('error', () => process.exit(0)); // a closed pipe (| head) ends us quietly
  const print = printer(values.json === true, values.follow === true);
  if (!values.follow) {
    const found = reader.records(filter, limit);
    reader.close();
    print.start(found.map((s) => s.record));
    if (found.length === 0 && !values.json) process.stderr.write(`no records in ${reader.file} for this selection\n`);
    return;
  }
  follow(reader, filter, limit, print);
}

/** The last `limit` records oldest first, as `tail -f` shows them, then new ones until a signal. */
function follow(reader: AuditReader, filter: RecordFilter, limit: number, print: Printer): void {
  let last = reader.lastRow();
  const latest = reader.records(filter, limit).filter((s) => s.row <= last);
  print.start(latest.reverse().map((s: StoredRecord) => s.record));
  // New records are those written after we looked, whenever their request started.
  const { sinceMs: _since, ...newer } = filter;
  const timer = setInterval(() => {
    try {
      const upTo = reader.lastRow();
      if (upTo <= last) return;
      for (const s of reader.recordsBetween(last, upTo, newer)) print.record(s.record);
      last = upTo;
    } catch (err) {
      stop();
      fail(`ai-gateway logs: reading the audit log failed: ${(err as Error).message}`);
    }
  }, POLL_MS);
  const stop = (): void => {
    clearInterval(timer);
    reader.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
}
