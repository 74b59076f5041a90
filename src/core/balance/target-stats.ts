/**
 * Per-target load figures for the latency strategies: peak-EWMA latency (what Finagle and
 * tower's p2c use) and requests in flight.
 *
 * - A sample above the estimate replaces it at once (peak); lower samples decay in with time
 *   constant `decayMs`, so the weight of a sample depends on time, not on request rate.
 * - While a target is idle its estimate fades towards 0, so a target that once was slow is
 *   tried again after a while instead of being starved forever (tower does the same).
 * - Load = estimate × (in flight + 1): requests in flight count as load.
 */
import type { Clock } from '../clock.js';

export class TargetStats {
  private ewmaMs: number;
  private stampMs: number;
  inFlight = 0;

  constructor(
    defaultRttMs: number,
    private readonly decayMs: number,
    private readonly clock: Clock,
  ) {
    this.ewmaMs = defaultRttMs;
    this.stampMs = clock();
  }

  start(): void {
    this.inFlight++;
  }

  /** The request is over (answered, failed or cancelled). */
  release(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** Records one latency: to the first byte for streams, to the full response otherwise. */
  sample(latencyMs: number): void {
    const now = this.clock();
    if (latencyMs >= this.ewmaMs) {
      this.ewmaMs = latencyMs;
    } else {
      const w = Math.exp(-Math.max(0, now - this.stampMs) / this.decayMs);
      this.ewmaMs = this.ewmaMs * w + latencyMs * (1 - w);
    }
    this.stampMs = now;
  }

  /** The latency estimate at `now`. */
  latencyMs(now: number): number {
    if (this.inFlight > 0) return this.ewmaMs;
    return this.ewmaMs * Math.exp(-Math.max(0, now - this.stampMs) / this.decayMs);
  }

  /** Expected cost of sending one more request here. */
  load(now: number): number {
    return this.latencyMs(now) * (this.inFlight + 1);
  }
}
