/**
 * The audit log's writer: a RecordSink whose `write` only pushes the record onto a queue. The
 * queue is written in batches, one transaction each: FLUSH_MS after the first record of a batch,
 * or at once (setImmediate) when BATCH_ROWS are waiting. So on the request path a record costs an
 * array push, and a SIGKILL loses at most the records finished in the last FLUSH_MS. The queue
 * is bounded (QUEUE_MAX): while the database cannot keep up, newer records are dropped and
 * counted. `flush()` / `close()` write everything queued; the `exit` handler does too, so a
 * process that exits without closing loses nothing either.
 */
import type { Logger } from '../logger.js';
import type { RecordSink, RequestRecord } from '../records/request-record.js';
import type { Database, Statement } from '../../storage/database.js';
import { INSERT_ATTEMPT, INSERT_REQUEST, attemptParams, requestParams } from './rows.js';
import { purgeExpired } from './retention.js';

/** The batch window: also what a SIGKILL can lose. */
export const FLUSH_MS = 100;
/** Rows per transaction: bounds how long one flush holds the event loop (~10 µs a row) and the write lock. */
export const BATCH_ROWS = 100;
/** Records waiting at most; past it new records are dropped (and counted). */
export const QUEUE_MAX = 20_000;
/** After a failed write (disk full, lock held too long), wait this long before retrying. */
const RETRY_MS = 1_000;
/** Warnings about drops and failures: at most one per this interval. */
const WARN_EVERY_MS = 60_000;
const PURGE_EVERY_MS = 3_600_000;
/** A repeated client-sent `x-request-id` is stored as `id#2`, `id#3`, … up to this. */
const MAX_SUFFIX = 100;

/** Errors after which SQLite may have rolled the transaction back: the batch is retried later. */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;
const transient = (err: unknown): boolean => TRANSIENT.test((err as { code?: string }).code ?? '');

export interface AuditLogStats {
  queued: number;
  written: number;
  /** Records never written: the queue was full, or the log was closed. */
  dropped: number;
  /** Records SQLite refused (a malformed record); never retried. */
  failed: number;
}

export interface AuditLog extends RecordSink {
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Deletes expired records now (also done at open and hourly); resolves with how many. */
  purge(): Promise<number>;
  stats(): AuditLogStats;
}

export interface AuditLogSettings {
  retentionMs: number;
  bodies: boolean;
}

export class SqliteAuditLog implements AuditLog {
  private queue: RequestRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly insertRequest: Statement;
  private readonly insertAttempt: Statement;
  private readonly writeBatch: (batch: RequestRecord[]) => void;
  private readonly writeCarefully: (batch: RequestRecord[]) => void;
  private closed = false;
  /** After a failed write: no flush before the retry timer, however full the queue. */
  private backingOff = false;
  private purging: Promise<number> | undefined;
  private lastWarn = 0;
  private readonly counts = { written: 0, dropped: 0, failed: 0 };

  constructor(
    private readonly db: Database,
    private readonly settings: AuditLogSettings,
    private readonly logger: Logger,
  ) {
    this.insertRequest = db.prepare(INSERT_REQUEST);
    this.insertAttempt = db.prepare(INSERT_ATTEMPT);
    // The fast path: one transaction, a plain insert per row (~10 µs each). Only a batch that
    // held a malformed record is written again the careful way, each record in a savepoint (twice
    // the cost), so that record is refused alone and leaves nothing half-written.
    this.writeBatch = db.transaction((batch: RequestRecord[]) => {
      for (const record of batch) this.insertRecord(record);
    });
    const insertOne = db.transaction((record: RequestRecord) => this.insertRecord(record));
    this.writeCarefully = db.transaction((batch: RequestRecord[]) => {
      for (const record of batch) {
        try {
          insertOne(record);
        } catch (err) {
          if (transient(err)) throw err;
          this.counts.failed++;
          this.warn(`audit log: a record was refused: ${(err as Error).message}`);
        }
      }
    });
    this.purgeTimer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
    process.once('exit', this.flushSync);
  }

  /** The request path: a push, and a timer the first time in a batch window. */
  write(record: RequestRecord): void {
    if (this.closed || this.queue.length >= QUEUE_MAX) {
      this.counts.dropped++;
      this.warn('audit log: records dropped (the queue is full or the log is closed)');
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= BATCH_ROWS && !this.backingOff) this.immediate ??= setImmediate(this.flushNow);
    else this.timer ??= setTimeout(this.flushNow, FLUSH_MS).unref();
  }

  async flush(): Promise<void> {
    for (let tries = 0; this.queue.length > 0; ) {
      if (this.writeSome()) continue;
      if (++tries >= 5) {
        this.logger.error({ lost: this.queue.length }, 'audit log: could not write the queued records');
        this.counts.dropped += this.queue.length;
        this.queue = [];
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    await this.purging?.catch(() => 0);
    await this.flush();
    this.cancelTimers();
    process.removeListener('exit', this.flushSync);
    this.db.close();
  }

  purge(): Promise<number> {
    if (this.settings.retentionMs <= 0 || this.closed) return Promise.resolve(0);
    this.purging ??= purgeExpired(this.db, Date.now() - this.settings.retentionMs, () => this.closed)
      .then((purged) => {
        if (purged > 0) this.logger.info({ purged, retentionMs: this.settings.retentionMs }, 'audit log: expired records purged');
        return purged;
      })
      .catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'audit log: purging expired records failed');
        return 0;
      })
      .finally(() => (this.purging = undefined));
    return this.purging;
  }

  stats(): AuditLogStats {
    return { queued: this.queue.length, ...this.counts };
  }

  private readonly flushNow = (): void => {
    this.cancelTimers();
    this.backingOff = false;
    if (this.closed || this.queue.length === 0) return;
    if (!this.writeSome()) {
      // Each try may wait busy_timeout for the lock, on the event loop: not again before RETRY_MS.
      this.backingOff = true;
      this.timer = setTimeout(this.flushNow, RETRY_MS).unref();
      return;
    }
    // More than one batch was waiting: the rest goes after the event loop has had a turn.
    if (this.queue.length >= BATCH_ROWS) this.immediate = setImmediate(this.flushNow);
    else if (this.queue.length > 0) this.timer = setTimeout(this.flushNow, FLUSH_MS).unref();
  };

  /** At process exit, without waiting: whatever is queued, in as many batches as it takes. */
  private readonly flushSync = (): void => {
    if (this.closed) return;
    for (let tries = 0; this.queue.length > 0 && tries < 3; ) if (!this.writeSome()) tries++;
  };

  /** One batch, one transaction. False when SQLite could not write it now (kept for a retry). */
  private writeSome(): boolean {
    const batch = this.queue.length <= BATCH_ROWS ? this.queue : this.queue.slice(0, BATCH_ROWS);
    this.queue = batch === this.queue ? [] : this.queue.slice(BATCH_ROWS);
    const before = this.counts.failed;
    try {
      try {
        this.writeBatch(batch);
      } catch (err) {
        if (transient(err)) throw err;
        this.writeCarefully(batch);
      }
      this.counts.written += batch.length - (this.counts.failed - before);
      return true;
    } catch (err) {
      // Rolled back: the batch goes back to the front of the queue.
      this.counts.failed = before;
      this.queue = this.queue.length === 0 ? batch : batch.concat(this.queue);
      if (this.queue.length > QUEUE_MAX) {
        this.counts.dropped += this.queue.length - QUEUE_MAX;
        this.queue.length = QUEUE_MAX;
      }
      this.warn(`audit log: writing failed, will retry: ${(err as Error).message}`);
      return false;
    }
  }

  private insertRecord(record: RequestRecord): void {
    let id = record.request_id;
    let result = this.insertRequest.run(requestParams(record, id, this.settings.bodies));
    for (let n = 2; result.changes === 0 && n <= MAX_SUFFIX; n++) {
      id = `${record.request_id}#${n}`;
      result = this.insertRequest.run(requestParams(record, id, this.settings.bodies));
    }
    if (result.changes === 0) throw new Error(`request id ${record.request_id} repeated more than ${MAX_SUFFIX} times`);
    for (const attempt of record.attempts) this.insertAttempt.run(attemptParams(result.lastInsertRowid, id, attempt));
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    this.logger.warn(this.stats(), message);
  }
}
