/**
 * The worker's side of cluster-wide metrics. A scrape on any worker asks the primary
 * (`metrics_request`); the primary asks every serving worker for its numbers
 * (`metrics_collect` → `metrics_snapshot`), sums them and answers the asker (`metrics_page`).
 * The primary's side is src/cli/metrics-scrapes.ts.
 */
import { isMessage, type MetricsSnapshot, type PrimaryMessage, type WorkerMessage } from '../../cli/worker-messages.js';
import type { MetricsPage } from './index.js';

/** Longer than the primary's own wait for the workers, so its answer (even a timeout) arrives. */
const PAGE_TIMEOUT_MS = 5_000;

interface Waiting {
  resolve(page: MetricsPage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

let nextId = 0;
const waiting = new Map<number, Waiting>();

function tellPrimary(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

/** Answers the primary's collection requests with `snapshot()`; returns the function that stops. */
export function answerCollections(snapshot: () => Promise<MetricsSnapshot>): () => void {
  const onMessage = (message: unknown): void => {
    if (!isMessage<PrimaryMessage>(message)) return;
    if (message.aiGateway === 'metrics_collect') {
      const { id } = message;
      snapshot().then(
        (metrics) => tellPrimary({ aiGateway: 'metrics_snapshot', id, metrics }),
        (err: unknown) => tellPrimary({ aiGateway: 'metrics_snapshot', id, error: (err as Error)?.message ?? String(err) }),
      );
    } else if (message.aiGateway === 'metrics_page') {
      const entry = waiting.get(message.id);
      if (!entry) return;
      waiting.delete(message.id);
      clearTimeout(entry.timer);
      if ('error' in message) entry.reject(new Error(message.error));
      else entry.resolve({ contentType: message.contentType, body: message.body });
    }
  };
  process.on('message', onMessage);
  return () => {
    process.off('message', onMessage);
  };
}

/** The page for the whole cluster, from the primary. */
export function renderFromPrimary(): Promise<MetricsPage> {
  return new Promise((resolve, reject) => {
    if (!process.connected) return reject(new Error('the cluster primary is gone'));
    const id = nextId++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the cluster primary did not answer within ${PAGE_TIMEOUT_MS / 1000}s`));
    }, PAGE_TIMEOUT_MS);
    waiting.set(id, { resolve, reject, timer });
    tellPrimary({ aiGateway: 'metrics_request', id });
  });
}
