/**
 * A client sink that also keeps a copy of what it sends, for an audit log that stores bodies
 * (`audit.bodies: true`; off by default). Bounded: past `limit` bytes the copy stops and says
 * it was cut. Only used when asked for, so the default path copies nothing.
 */
import type { ClientSink, SinkHeaders } from '../core/client-sink.js';

export class CapturingSink implements ClientSink {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  private truncated = false;
  private reported = false;

  constructor(
    private readonly inner: ClientSink,
    private readonly limit: number,
    private readonly onEnd: (body: string) => void,
  ) {}

  get gone(): boolean {
    return this.inner.gone;
  }

  get committed(): boolean {
    return this.inner.committed;
  }

  head(status: number, headers: SinkHeaders): void {
    this.inner.head(status, headers);
  }

  write(chunk: string | Buffer): boolean {
    this.keep(chunk);
    return this.inner.write(chunk);
  }

  end(chunk?: string | Buffer): void {
    if (chunk !== undefined) this.keep(chunk);
    this.inner.end(chunk);
    this.report();
  }

  destroy(): void {
    this.inner.destroy();
    this.report();
  }

  onDrain(listener: () => void): void {
    this.inner.onDrain(listener);
  }

  private keep(chunk: string | Buffer): void {
    if (this.truncated) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = this.limit - this.kept;
    if (bytes.length > room) {
      this.parts.push(bytes.subarray(0, room));
      this.kept = this.limit;
      this.truncated = true;
      return;
    }
    this.parts.push(bytes);
    this.kept += bytes.length;
  }

  private report(): void {
    if (this.reported) return;
    this.reported = true;
    this.onEnd(Buffer.concat(this.parts).toString('utf8') + (this.truncated ? TRUNCATED : ''));
  }
}

export const TRUNCATED = '…[truncated]';

/** The request body as stored: at most `limit` bytes. */
export function storedBody(raw: Buffer, limit: number): string {
  return raw.length <= limit ? raw.toString('utf8') : raw.toString('utf8', 0, limit) + TRUNCATED;
}
