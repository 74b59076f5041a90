/**
 * Resident memory of a process and its descendants, read from /proc (Linux). Sampled on a timer
 * so a peak during load is caught; a read still in flight skips the next tick instead of piling up.
 */
import { readFile } from 'node:fs/promises';

async function readRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const start = status.indexOf('VmRSS:');
  if (start === -1) return 0; // a zombie has no VmRSS line
  return Number.parseInt(status.slice(start + 6, status.indexOf('\n', start)), 10) || 0;
}

async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(' ').filter((s) => s !== '').map(Number);
  } catch {
    return [];
  }
}

/** RSS in kB of `pid` plus all its descendants (cluster workers count towards the gateway). */
export async function treeRssKb(pid: number): Promise<number> {
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop() as number;
    try {
      total += await readRssKb(current);
    } catch {
      continue; // exited meanwhile
    }
    queue.push(...(await childPids(current)));
  }
  return total;
}

export interface RssSample {
  t: number;
  kb: number;
}

export class RssSampler {
  readonly samples: RssSample[] = [];
  peakKb = 0;
  firstKb = 0;
  lastKb = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 200,
    private readonly keepSamples = false,
  ) {}

  start(): this {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Starts a new peak window (e.g. per latency profile) while keeping the sampler running. */
  resetPeak(): void {
    this.peakKb = this.lastKb;
  }

  async sample(): Promise<number> {
    if (this.busy) return this.lastKb;
    this.busy = true;
    try {
      const kb = await treeRssKb(this.pid);
      if (kb > 0) {
        if (this.firstKb === 0) this.firstKb = kb;
        this.lastKb = kb;
        if (kb > this.peakKb) this.peakKb = kb;
        if (this.keepSamples) this.samples.push({ t: Date.now(), kb });
      }
      return kb;
    } finally {
      this.busy = false;
    }
  }
}
