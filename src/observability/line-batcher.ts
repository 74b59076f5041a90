/**
 * A log destination that gathers lines for up to `flushMs` (50 ms by default) into one write,
 * so the gateway makes one write call per batch instead of one per request — also at one
 * connection, where a per-request write (and the odd slow one) sits between two requests.
 *
 * Each write holds whole lines and at most PIPE_BUF bytes (a longer line goes alone, as it would
 * unbatched): the kernel writes that much to a pipe atomically, so the lines of several worker
 * processes sharing one stdout never interleave mid-line. Lines still waiting when the process
 * exits are written from the `exit` handler.
 */

/** POSIX guarantees atomic pipe writes up to PIPE_BUF; Linux's is 4096 bytes. */
export const PIPE_BUF = 4096;

export interface LineSink {
  write(chunk: string): unknown;
}

export const DEFAULT_FLUSH_MS = 50;

export class LineBatcher {
  private lines: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: LineSink,
    private readonly flushMs = DEFAULT_FLUSH_MS,
  ) {
    process.once('exit', this.flush);
  }

  /** pino's destination interface: one call per log line, newline included. */
  write(line: string): boolean {
    const size = Buffer.byteLength(line);
    if (this.bytes + size > PIPE_BUF) this.flush();
    this.lines.push(line);
    this.bytes += size;
    // Unref'd: pending lines never keep the process alive; the exit handler writes them.
    this.timer ??= setTimeout(this.flush, this.flushMs).unref();
    return true;
  }

  readonly flush = (): void => {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.bytes = 0;
    this.out.write(text);
  };
}
