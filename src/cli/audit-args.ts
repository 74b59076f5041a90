/**
 * What `logs` and `usage` share: times (`--since 1h`, `--until 2026-01-05T10:00Z`), the record
 * filters, and opening the audit log named by the config's `storage.path` with errors an
 * operator can act on.
 */
import { parseDuration } from '../config/duration.js';
import { NoDatabaseError } from '../storage/database.js';
import type { Startup } from '../startup.js';
import { NotAnAuditLogError, openAuditReader, type AuditReader, type RecordFilter, type StatusRange } from '../observability/audit/reader.js';
import { fail } from './fail.js';

export type LoadStartup = (configPath: string | undefined) => Promise<Startup>;

/** A duration back from now (`90m`, `7d`) or a date / date-time (`2026-01-05`, `2026-01-05T10:00Z`). */
export function parseWhen(text: string, flag: string, now = Date.now()): number {
  const back = /^\s*\d/.test(text) && /[a-z]\s*$/i.test(text) ? parseDuration(text) : undefined;
  if (back !== undefined) return now - back;
  // ISO 8601: a date alone is UTC midnight, a date-time without an offset is local time.
  const at = /^\s*\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text.trim()) : NaN;
  if (Number.isFinite(at)) return at;
  return fail(`${flag} expects a duration back from now (1h, 7d) or a date/time (2026-01-05, 2026-01-05T10:00Z), got "${text}"`);
}

/** `200`, `429`, `4xx`, `5xx`, or several: `429,5xx`. */
export function parseStatus(text: string): StatusRange[] {
  return text.split(',').map((part) => {
    const p = part.trim().toLowerCase();
    const klass = /^([1-5])xx$/.exec(p);
    if (klass) return { min: Number(klass[1]) * 100, max: Number(klass[1]) * 100 + 99 };
    if (/^[1-5]\d\d$/.test(p)) return { min: Number(p), max: Number(p) };
    return fail(`--status expects a status or class such as 200, 429, 4xx, 5xx (comma-separated), got "${part}"`);
  });
}

export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--limit expects a whole number above 0, got "${text}"`);
  return n;
}

export interface FilterFlags {
  since?: string;
  until?: string;
  provider?: string;
  router?: string;
  key?: string;
  status?: string;
}

export function recordFilter(flags: FilterFlags, defaultSince: string, now = Date.now()): RecordFilter {
  return {
    sinceMs: parseWhen(flags.since ?? defaultSince, '--since', now),
    untilMs: flags.until === undefined ? undefined : parseWhen(flags.until, '--until', now),
    provider: flags.provider,
    router: flags.router,
    gatewayKey: flags.key,
    status: flags.status === undefined ? undefined : parseStatus(flags.status),
  };
}

/** The audit log the config's gateway writes; exits with an explanation when there is none. */
export async function openConfiguredAuditLog(startup: Startup, command: string): Promise<AuditReader> {
  const { config } = startup.compiled;
  const storagePath = config.storage.path;
  try {
    return await openAuditReader(storagePath);
  } catch (err) {
    if (err instanceof NoDatabaseError) {
      const why = config.audit.enabled
        ? `the gateway creates it when it starts with this storage.path ("${storagePath}", from ${startup.loaded.source}; a relative path is taken from the working directory)`
        : `audit.enabled is false in ${startup.loaded.source}: the gateway records nothing`;
      return fail(`ai-gateway ${command}: no audit log at ${err.path} yet — ${why}`);
    }
    if (err instanceof NotAnAuditLogError) return fail(`ai-gateway ${command}: ${err.message}`);
    return fail(`ai-gateway ${command}: cannot read the audit log: ${(err as Error).message}`);
  }
}
