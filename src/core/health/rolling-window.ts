/**
 * Request and error counts over the last `windowMs`, kept in `buckets` slices (a ring).
 * Totals are maintained as slices expire, so reading them is O(1); recording costs O(1)
 * amortised (a slice is cleared at most once per lap).
 */
export class RollingWindow {
  private readonly bucketMs: number;
  private readonly requests: Uint32Array;
  private readonly errors: Uint32Array;
  /** Slice number (time / bucketMs) the ring was last advanced to. */
  private head = Number.NEGATIVE_INFINITY;
  private totalRequests = 0;
  private totalErrors = 0;

  constructor(
    windowMs: number,
    private readonly buckets: number,
  ) {
    this.bucketMs = Math.max(1, windowMs / buckets);
    this.requests = new Uint32Array(buckets);
    this.errors = new Uint32Array(buckets);
  }

  record(now: number, error: boolean): void {
    const slot = this.advance(now);
    this.requests[slot]++;
    this.totalRequests++;
    if (error) {
      this.errors[slot]++;
      this.totalErrors++;
    }
  }

  /** Requests in the window ending at `now`. */
  requestCount(now: number): number {
    this.advance(now);
    return this.totalRequests;
  }

  errorCount(now: number): number {
    this.advance(now);
    return this.totalErrors;
  }

  reset(): void {
    this.requests.fill(0);
    this.errors.fill(0);
    this.totalRequests = 0;
    this.totalErrors = 0;
  }

  /** Clears the slices that fell out of the window; returns the slot for `now`. */
  private advance(now: number): number {
    const slice = Math.floor(now / this.bucketMs);
    if (slice > this.head) {
      if (slice - this.head >= this.buckets) {
        this.reset();
      } else {
        for (let s = this.head + 1; s <= slice; s++) {
          const i = s % this.buckets;
          this.totalRequests -= this.requests[i];
          this.totalErrors -= this.errors[i];
          this.requests[i] = 0;
          this.errors[i] = 0;
        }
      }
      this.head = slice;
    }
    // Time never runs backwards on a monotonic clock; a late sample lands in the current slice.
    return ((this.head % this.buckets) + this.buckets) % this.buckets;
  }
}
