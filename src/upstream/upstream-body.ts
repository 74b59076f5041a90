/**
 * An upstream response body, fed straight from undici's dispatch handler.
 *
 * Not a Node Readable: a proxy only ever relays, translates or collects a body, so the body is
 * one callback object (`BodyReader`) with pause/resume for backpressure. That leaves out the
 * Readable machinery undici's `request` API builds per response (measured: ~8% of a bare
 * proxy's CPU per request).
 */

/** Who reads a body: every chunk in order, then exactly one of `end` or `error`. */
export interface BodyReader {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** Rewrites the bytes on their way to the reader (the credential scrubber); may hold some back until `end`. */
export interface BodyFilter {
  write(chunk: Buffer): Buffer;
  end(): Buffer | undefined;
}

/** What the body needs from the request it belongs to (undici's DispatchController). */
export interface BodySource {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

export class BodyDestroyedError extends Error {
  override readonly name = 'BodyDestroyedError';
  readonly code = 'UND_ERR_ABORTED';
}

export class UpstreamBody {
  private reader: BodyReader | undefined;
  /** Chunks (and the ending) that arrived before a reader was attached. */
  private early: Buffer[] | undefined;
  private ending: true | Error | undefined;
  private settled = false;
  private bodyFilter: BodyFilter | undefined;

  constructor(private readonly source: BodySource) {}

  /** Passes every chunk through `filter` before the reader sees it; set before `read`. */
  filter(filter: BodyFilter): void {
    if (this.reader) throw new Error('a body filter goes in before the reader');
    this.bodyFilter = filter;
  }

  /** Attaches the one reader; what arrived before is delivered at once, in order. */
  read(reader: BodyReader): void {
    if (this.reader) throw new Error('an upstream body has one reader');
    this.reader = reader;
    const early = this.early;
    this.early = undefined;
    if (early) for (let i = 0; i < early.length && !this.settled; i++) this.deliver(early[i]!);
    const ending = this.ending;
    if (ending !== undefined) this.deliverEnding(ending);
  }

  pause(): void {
    if (!this.settled) this.source.pause();
  }

  resume(): void {
    if (!this.settled) this.source.resume();
  }

  /** Stops reading: the upstream request is aborted (its connection is not reused). */
  destroy(reason: Error = new BodyDestroyedError('upstream body discarded')): void {
    if (this.settled) return;
    this.settled = true;
    this.source.abort(reason);
  }

  /** From the dispatch handler. */
  push(chunk: Buffer): void {
    if (this.settled) return;
    if (this.reader) this.deliver(chunk);
    else (this.early ??= []).push(chunk);
  }

  /** From the dispatch handler: the body ended (true) or failed. */
  finish(ending: true | Error): void {
    if (this.ending !== undefined) return;
    this.ending = ending;
    if (this.reader) this.deliverEnding(ending);
  }

  private deliver(chunk: Buffer): void {
    if (!this.bodyFilter) return this.reader!.data(chunk);
    const out = this.bodyFilter.write(chunk);
    if (out.length > 0) this.reader!.data(out);
  }

  private deliverEnding(ending: true | Error): void {
    if (ending === true && this.bodyFilter && !this.settled) {
      // What the filter held back is the body's last bytes.
      const rest = this.bodyFilter.end();
      if (rest && rest.length > 0) this.reader!.data(rest);
    }
    const wasSettled = this.settled;
    this.settled = true;
    // A reader that destroyed the body has already handled its own ending.
    if (wasSettled) return;
    if (ending === true) this.reader!.end();
    else this.reader!.error(ending);
  }
}

/**
 * Collects a whole body. Past `limit` bytes: with `tooLarge`, the body is discarded at once (the
 * request aborted, nothing more kept) and the promise rejects with that error; without it,
 * whole chunks are kept until `limit` bytes are and the rest is read away (error bodies, where
 * the start is enough).
 */
export function collectBody(body: UpstreamBody, limit = Infinity, tooLarge?: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    body.read({
      data(chunk) {
        if (kept >= limit) return;
        if (tooLarge && kept + chunk.length > limit) {
          const err = tooLarge();
          body.destroy(err);
          chunks.length = 0;
          reject(err);
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
      },
      end: () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, kept)),
      error: reject,
    });
  });
}
