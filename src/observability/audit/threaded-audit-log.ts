/**
 * The audit log as the gateway runs it: records are queued on the request path (an array push)
 * and handed every SEND_MS, or every SEND_ROWS records, to the writer thread (audit-worker.ts),
 * which does the SQLite work. A normal shutdown (`close()`) loses nothing; a SIGKILL loses what
 * was queued here and in the writer's batch window (~150 ms).
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { RequestRecord } from '../records/request-record.js';
import type { AuditLog, AuditLogStats } from './audit-log.js';
import type { AuditLogOptions } from './index.js';
import type { FromWriter, ToWriter } from './writer-messages.js';

const SEND_MS = 50;
const SEND_ROWS = 200;
/** Records queued here at most while the writer is busy; past it they are dropped (and counted). */
const QUEUE_MAX = 20_000;

/** The worker's script: compiled JavaScript in dist, TypeScript when run from src (tests). */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './audit-worker.ts' : './audit-worker.js', import.meta.url);

export class ThreadedAuditLog implements AuditLog {
  private queue: RequestRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private sent = 0;
  private last: AuditLogStats = { queued: 0, written: 0, dropped: 0, failed: 0 };
  private nextFlush = 1;
  private readonly flushes = new Map<number, () => void>();
  private closing: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {
    worker.on('message', this.received);
  }

  static start(options: AuditLogOptions, logger: Logger): Promise<ThreadedAuditLog> {
    // A small heap: the writer holds batches and SQLite's page cache, nothing more.
    const worker = new Worker(WORKER_URL, { workerData: options, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } });
    worker.unref();
    return new Promise((resolve, reject) => {
      const log = new ThreadedAuditLog(worker, logger);
      const settle = (message: FromWriter): void => {
        if (message.type === 'ready') resolve(log);
        else if (message.type === 'failed') reject(new Error(message.message));
        else return;
        worker.off('message', settle);
      };
      worker.on('message', settle);
      worker.once('error', reject);
    });
  }

  write(record: RequestRecord): void {
    if (this.closing || this.queue.length >= QUEUE_MAX) {
      this.dropped++;
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= SEND_ROWS) this.send();
    else this.timer ??= setTimeout(this.send, SEND_MS).unref();
  }

  async flush(): Promise<void> {
    this.send();
    const id = this.nextFlush++;
    await new Promise<void>((resolve) => {
      this.flushes.set(id, resolve);
      this.post({ type: 'flush', id });
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.send();
      await new Promise<void>((resolve) => {
        this.onClosed = resolve;
        this.post({ type: 'close' });
      });
      await this.worker.terminate();
    })();
    return this.closing;
  }

  /** Expired records are purged by the writer at open and hourly. */
  purge(): Promise<number> {
    return Promise.resolve(0);
  }

  stats(): AuditLogStats {
    return { ...this.last, queued: this.queue.length + Math.max(0, this.sent - this.last.written - this.last.failed - this.last.dropped), dropped: this.last.dropped + this.dropped };
  }

  private readonly send = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    this.sent += records.length;
    this.post({ type: 'records', records });
  };

  private post(message: ToWriter): void {
    this.worker.postMessage(message);
  }

  private readonly received = (message: FromWriter): void => {
    switch (message.type) {
      case 'log':
        this.logger[message.level](message.fields, message.msg);
        return;
      case 'flushed':
        this.last = message.stats;
        this.flushes.get(message.id)?.();
        this.flushes.delete(message.id);
        return;
      case 'closed':
        this.last = message.stats;
        this.onClosed?.();
        return;
      default:
        return;
    }
  };
}
