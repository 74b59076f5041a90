/** The messages between the gateway's thread and the audit log's writer thread. */
import type { AuditLogStats } from './audit-log.js';

export type ToWriter =
  | { type: 'records'; records: unknown[] }
  | { type: 'flush'; id: number }
  | { type: 'close' };

export type FromWriter =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; fields: object; msg: string }
  | { type: 'flushed'; id: number; stats: AuditLogStats }
  | { type: 'closed'; stats: AuditLogStats };
