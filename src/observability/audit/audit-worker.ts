/**
 * The audit log's writer thread: SQLite inserts cost ~10 µs a record and WAL checkpoints fsync,
 * so they run here, off the event loop that serves requests. The main thread sends batches of
 * records (threaded-audit-log.ts); this thread writes them with the same batching writer the
 * CLI's tests use in process (audit-log.ts), and answers flush and close requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { RequestRecord } from '../records/request-record.js';
import { openAuditLog, type AuditLogOptions } from './index.js';
import type { ToWriter, FromWriter } from './writer-messages.js';

const port = parentPort;
if (!port) throw new Error('audit-worker.ts runs as a worker thread');

const post = (message: FromWriter): void => port.postMessage(message);

/** Log lines go to the main thread's logger (one stdout writer, batched). */
const logger = {
  info: (fields: object, msg: string) => post({ type: 'log', level: 'info', fields, msg }),
  warn: (fields: object, msg: string) => post({ type: 'log', level: 'warn', fields, msg }),
  error: (fields: object, msg: string) => post({ type: 'log', level: 'error', fields, msg }),
} as unknown as Logger;

const log = await openAuditLog(workerData as AuditLogOptions, logger).catch((err: unknown) => {
  post({ type: 'failed', message: (err as Error).message });
  return undefined;
});

if (log) {
  post({ type: 'ready' });
  port.on('message', (message: ToWriter) => {
    switch (message.type) {
      case 'records':
        for (const record of message.records as RequestRecord[]) log.write(record);
        return;
      case 'flush':
        void log.flush().then(() => post({ type: 'flushed', id: message.id, stats: log.stats() }));
        return;
      case 'close':
        void log.close().then(() => {
          post({ type: 'closed', stats: log.stats() });
          port.close();
        });
        return;
    }
  });
}
