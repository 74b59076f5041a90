/**
 * A bound in front of one upstream pool. undici queues a request that finds every connection
 * busy and keeps it queued for as long as it takes — with streams held open by slow clients,
 * that is every later request to the provider hanging until its own timeout. The gate counts
 * requests in flight; past `maxConnections` a request waits in a FIFO of at most `maxQueued`
 * for at most `queueTimeoutMs`, and is refused at once (PoolExhaustedError) when the FIFO is
 * full or its wait runs out, so the attempt loop can fall back and the client gets a fast 503.
 *
 * Free path: one comparison and one increment. Waiting requests share one timer per gate,
 * armed for the oldest waiter (waits all have the same bound, so they expire in queue order).
 */

export interface PoolLimits {
  /** Connections per provider origin, i.e. requests in flight at once. */
  maxConnections: number;
  /** Requests waiting for a connection, at most; beyond that they are refused at once. */
  maxQueued: number;
  /** Longest wait for a connection. */
  queueTimeoutMs: number;
}

export const DEFAULT_POOL_LIMITS: PoolLimits = { maxConnections: 256, maxQueued: 1024, queueTimeoutMs: 10_000 };

/** The limits from the config's `dispatcher` block (milliseconds already parsed). */
export function poolLimits(dispatcher: { 'max-connections'?: number; 'max-queued'?: number; 'queue-timeout'?: number }): PoolLimits {
  return {
    maxConnections: dispatcher['max-connections'] ?? DEFAULT_POOL_LIMITS.maxConnections,
    maxQueued: dispatcher['max-queued'] ?? DEFAULT_POOL_LIMITS.maxQueued,
    queueTimeoutMs: dispatcher['queue-timeout'] ?? DEFAULT_POOL_LIMITS.queueTimeoutMs,
  };
}

export class PoolExhaustedError extends Error {
  override readonly name = 'PoolExhaustedError';
  readonly code = 'UPSTREAM_POOL_EXHAUSTED';

  constructor(
    /** `full`: the queue was full; `waited`: no connection came free within the queue timeout. */
    readonly kind: 'full' | 'waited',
    readonly limits: PoolLimits,
  ) {
    super(kind === 'full' ? 'upstream connection pool and its queue are full' : 'no upstream connection came free in time');
  }
}

/** A request that may have to wait: `start` sends it, `refuse` fails it without sending. */
export interface Waiter {
  start(): void;
  refuse(err: Error): void;
  /** Set by the gate while queued; cleared when it leaves the queue. */
  queuedAt: number;
}

const NOT_QUEUED = -1;

export class PoolGate {
  private inFlight = 0;
  private readonly queue: (Waiter | undefined)[] = [];
  private head = 0;
  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly limits: PoolLimits) {}

  /** Sends `waiter` now when a connection is free, else queues or refuses it. */
  enter(waiter: Waiter): void {
    if (this.inFlight < this.limits.maxConnections) {
      this.inFlight++;
      waiter.start();
      return;
    }
    if (this.waiting >= this.limits.maxQueued) {
      waiter.refuse(new PoolExhaustedError('full', this.limits));
      return;
    }
    waiter.queuedAt = performance.now();
    this.queue.push(waiter);
    this.waiting++;
    // Unref'd: waiting requests have their own sockets keeping the process up; this alone must not.
    this.timer ??= setTimeout(this.expire, this.limits.queueTimeoutMs).unref();
  }

  /** A request that entered has finished (response ended, failed or was aborted). */
  leave(): void {
    this.inFlight--;
    while (this.waiting > 0 && this.inFlight < this.limits.maxConnections) {
      const next = this.shift();
      if (!next) break;
      this.inFlight++;
      next.start();
    }
  }

  /** A queued waiter gave up (its client left): it leaves the queue and is never started. */
  withdraw(waiter: Waiter): boolean {
    if (waiter.queuedAt === NOT_QUEUED) return false;
    const i = this.queue.indexOf(waiter, this.head);
    if (i < 0) return false;
    this.queue[i] = undefined;
    waiter.queuedAt = NOT_QUEUED;
    this.waiting--;
    return true;
  }

  /** Requests in flight and waiting, for tests and diagnostics. */
  counts(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting };
  }

  private shift(): Waiter | undefined {
    while (this.head < this.queue.length) {
      const w = this.queue[this.head++];
      if (w) {
        this.waiting--;
        w.queuedAt = NOT_QUEUED;
        this.compact();
        return w;
      }
    }
    this.compact();
    return undefined;
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const cutoff = performance.now() - this.limits.queueTimeoutMs;
    while (this.head < this.queue.length) {
      const w = this.queue[this.head];
      if (w && w.queuedAt > cutoff) {
        this.timer = setTimeout(this.expire, Math.max(1, w.queuedAt - cutoff)).unref();
        return;
      }
      this.head++;
      if (w) {
        this.waiting--;
        w.queuedAt = NOT_QUEUED;
        w.refuse(new PoolExhaustedError('waited', this.limits));
      }
    }
    this.compact();
  };
}
