/**
 * The bytes of request bodies being received, all requests of this process together. A client
 * controls how long it takes to finish sending a body, so without a bound a few dozen slow
 * uploads hold hundreds of megabytes; over the budget a request is refused (503) instead.
 *
 * One budget per process (memory is per process); `createHttpServer` sets its size.
 */
export class ByteBudget {
  private used = 0;

  constructor(private limit: number) {}

  resize(limit: number): void {
    this.limit = limit;
  }

  /** Takes `bytes` if they fit; false (and nothing taken) if they do not. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }

  get inUse(): number {
    return this.used;
  }

  get size(): number {
    return this.limit;
  }
}

export const inflightBodies = new ByteBudget(128 * 1024 * 1024);
