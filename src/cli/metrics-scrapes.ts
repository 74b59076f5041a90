/**
 * The primary's side of cluster-wide metrics (`--workers N`): a worker that got a `/metrics`
 * scrape asks here; every serving worker is asked for its numbers, they are summed, and the
 * asker gets the page. A worker that does not answer within COLLECT_TIMEOUT_MS fails the scrape
 * (a 503): a page missing a worker would look to Prometheus like counters that went backwards.
 * A worker that exits meanwhile is left out — its numbers are gone, as after any restart.
 */
import type { Worker } from 'node:cluster';
import type { MetricsSnapshot, PrimaryMessage } from './worker-messages.js';

const COLLECT_TIMEOUT_MS = 3_000;
/** Scrapes collected at once; more are refused (a scraper stuck in a loop must not flood the IPC). */
const MAX_OPEN = 8;

interface Scrape {
  asker: Worker;
  askerId: number;
  waiting: Set<number>;
  snapshots: MetricsSnapshot[];
  timer: NodeJS.Timeout;
}

export class MetricsScrapes {
  private nextId = 0;
  private readonly open = new Map<number, Scrape>();

  /** `serving`: the workers that are up and connected right now. */
  constructor(private readonly serving: () => Worker[]) {}

  request(asker: Worker, askerId: number): void {
    if (this.open.size >= MAX_OPEN) return reply(asker, { aiGateway: 'metrics_page', id: askerId, error: `${MAX_OPEN} scrapes are already being collected` });
    const id = this.nextId++;
    const workers = this.serving();
    const scrape: Scrape = {
      asker,
      askerId,
      waiting: new Set(workers.map((w) => w.id)),
      snapshots: [],
      timer: setTimeout(() => this.timedOut(id), COLLECT_TIMEOUT_MS),
    };
    this.open.set(id, scrape);
    for (const w of workers) w.send({ aiGateway: 'metrics_collect', id } satisfies PrimaryMessage);
    if (scrape.waiting.size === 0) this.finish(id);
  }

  snapshot(from: Worker, id: number, result: { metrics: MetricsSnapshot } | { error: string }): void {
    const scrape = this.open.get(id);
    if (!scrape || !scrape.waiting.delete(from.id)) return;
    if ('error' in result) return this.fail(id, `worker ${from.process.pid} could not read its metrics: ${result.error}`);
    scrape.snapshots.push(result.metrics);
    if (scrape.waiting.size === 0) this.finish(id);
  }

  /** A worker exited: no scrape waits for it, and none answers it. */
  gone(worker: Worker): void {
    for (const [id, scrape] of this.open) {
      if (scrape.asker === worker) {
        clearTimeout(scrape.timer);
        this.open.delete(id);
      } else if (scrape.waiting.delete(worker.id) && scrape.waiting.size === 0) this.finish(id);
    }
  }

  private timedOut(id: number): void {
    const scrape = this.open.get(id);
    if (scrape) this.fail(id, `${scrape.waiting.size} worker(s) did not send their metrics within ${COLLECT_TIMEOUT_MS / 1000}s`);
  }

  private fail(id: number, error: string): void {
    const scrape = this.open.get(id);
    if (!scrape) return;
    clearTimeout(scrape.timer);
    this.open.delete(id);
    reply(scrape.asker, { aiGateway: 'metrics_page', id: scrape.askerId, error });
  }

  private finish(id: number): void {
    const scrape = this.open.get(id);
    if (!scrape) return;
    clearTimeout(scrape.timer);
    this.open.delete(id);
    // prom-client is loaded by the primary only once some worker is scraped.
    import('../observability/metrics/aggregate.js')
      .then(({ aggregate }) => aggregate(scrape.snapshots))
      .then(
        (page) => reply(scrape.asker, { aiGateway: 'metrics_page', id: scrape.askerId, ...page }),
        (err: unknown) => reply(scrape.asker, { aiGateway: 'metrics_page', id: scrape.askerId, error: `could not sum the workers' metrics: ${(err as Error)?.message}` }),
      );
  }
}

function reply(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}
