/**
 * The record sink behind the metrics. `write` only queues (the request that finished does not
 * wait for the counting); the queue is added to the tally on the next turn of the event loop,
 * or at once when a scrape comes. Bounded: when full, records are dropped and counted.
 */
import type { RecordSink, RequestRecord } from '../records/request-record.js';
import type { RequestTally } from './tally.js';

/** Far more than one event-loop turn brings; only a stalled loop fills it. */
const MAX_QUEUED = 10_000;

export class RecordMetrics implements RecordSink {
  private queue: RequestRecord[] = [];
  private scheduled = false;
  /** Records not counted because the queue was full. */
  dropped = 0;

  constructor(private readonly tally: RequestTally) {}

  write(record: RequestRecord): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.queue.push(record);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  /** Counts what is queued. */
  readonly drain = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    for (let i = 0; i < queue.length; i++) {
      try {
        this.tally.add(queue[i]);
      } catch {
        // A malformed record must not stop the rest.
      }
    }
  };

  async flush(): Promise<void> {
    this.drain();
  }
}
