/**
 * The audit log: every finished request and its attempts, in the embedded database under
 * `storage.path`. Opened only when `audit.enabled` (the SQLite driver is loaded then):
 *
 *   const audit = await openAuditLog({ path: config.storage.path, retentionMs: config.audit.retention, bodies: config.audit.bodies }, logger);
 *   addRecordSink(gateway, audit);   …   await audit.close();   // on shutdown
 */
import type { Logger } from '../logger.js';
import { databasePath, openDatabase } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { SqliteAuditLog, type AuditLog } from './audit-log.js';
import { AUDIT_COMPONENT, AUDIT_MIGRATIONS } from './schema.js';

export type { AuditLog, AuditLogStats } from './audit-log.js';

export interface AuditLogOptions {
  /** `storage.path`: the data directory (relative to the working directory); created on first use. */
  path: string;
  /** `audit.retention` in ms; older records are purged from open on (in the background) and hourly. 0 keeps them forever. */
  retentionMs: number;
  /** `audit.bodies`: keep request and response bodies (when the record carries them). */
  bodies: boolean;
}

/**
 * How long the gateway's writer waits for another worker's write lock (held ~1 ms a batch)
 * before keeping the batch for later. The wait is on the event loop, so it is kept short.
 */
const WRITER_BUSY_MS = 250;
/** How long opening waits for another process's migration or write (startup only). */
const STARTUP_BUSY_MS = 10_000;

export async function openAuditLog(options: AuditLogOptions, logger: Logger): Promise<AuditLog> {
  const file = databasePath(options.path);
  // Workers starting together migrate the same file one at a time: at startup each may wait
  // its turn long; once serving, the writer's waits are kept short.
  const db = await openDatabase(file, { busyTimeoutMs: STARTUP_BUSY_MS });
  try {
    migrate(db, file, AUDIT_COMPONENT, AUDIT_MIGRATIONS);
    db.pragma(`busy_timeout = ${WRITER_BUSY_MS}`);
  } catch (err) {
    db.close();
    throw err;
  }
  const log = new SqliteAuditLog(db, { retentionMs: options.retentionMs, bodies: options.bodies }, logger);
  logger.info({ file, retentionMs: options.retentionMs, bodies: options.bodies }, 'audit log open');
  // In the background, in short chunks: after a long pause there may be a lot to delete.
  void log.purge();
  return log;
}
