/**
 * A log destination that gathers the lines of one event-loop turn into one write, so a busy
 * gateway makes one write call per turn instead of one per request.
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

export class LineBatcher {
  private lines: string[] = [];
  private bytes = 0;
  private scheduled = false;

  constructor(private readonly out: LineSink) {
    process.once('exit', this.flush);
  }

  /** pino's destination interface: one call per log line, newline included. */
  write(line: string): boolean {
    const size = Buffer.byteLength(line);
    if (this.bytes + size > PIPE_BUF) this.flush();
    this.lines.push(line);
    this.bytes += size;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return true;
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.bytes = 0;
    this.out.write(text);
  };
}
