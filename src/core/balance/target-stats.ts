/**
 * Per-target load figures: peak-EWMA latency (what Finagle and tower's p2c use) and requests in
 * flight. Latency is the time to the first byte for streams and to the full response otherwise.
 */
export class TargetStats {
  private ewmaMs: number;
  private stampMs: number;
  inFlight = 0;

  constructor(
    defaultRttMs: number,
    private readonly decayMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.ewmaMs = defaultRttMs;
    this.stampMs = now();
  }

  start(): void {
    this.inFlight++;
  }

  /** Records one finished request's latency; a peak is taken at once, lows decay in. */
  finish(latencyMs: number): void {
    if (this.inFlight > 0) this.inFlight--;
    const now = this.now();
    if (latencyMs > this.ewmaMs) {
      this.ewmaMs = latencyMs;
    } else {
      const elapsed = Math.max(0, now - this.stampMs);
      const w = Math.exp(-elapsed / this.decayMs);
      this.ewmaMs = this.ewmaMs * w + latencyMs * (1 - w);
    }
    this.stampMs = now;
  }

  /** Releases an in-flight slot without a latency sample (cancelled, failed before answering). */
  abandon(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  get latencyMs(): number {
    return this.ewmaMs;
  }

  /** Expected cost of sending one more request here. */
  get load(): number {
    return this.ewmaMs * (this.inFlight + 1);
  }
}
