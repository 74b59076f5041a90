/**
 * Reads usage out of an answer the gateway relays byte for byte, without parsing the stream:
 * each read is searched for the usage key (a native byte search) and only the usage object
 * itself is parsed. For an OpenAI chat stream whose client did not ask for usage, the gateway
 * asked for it (`stream_options.include_usage`), so that event is cut out of the bytes the
 * client gets. Counting events lets a stream cut off mid-way say roughly what was streamed.
 *
 * A usage object split across reads is completed from the next ones. An event is cut only from
 * its start: if that start went out with an earlier read (a key split across reads), the event
 * is left in — an extra usage chunk, which OpenAI's SDKs accept, rather than a broken stream.
 */
import type { Usage } from '../../core/chat-types.js';
import { canonicalUsage, mergeRawUsage, objectEnd, type UsageFamily } from '../../observability/usage/usage-object.js';

export interface UsageTapOptions {
  family: UsageFamily;
  /** An event stream (usage may come in several events) rather than one JSON body. */
  stream: boolean;
  /** Cut the usage event out of an OpenAI chat stream (the client did not ask for it). */
  dropUsageEvent: boolean;
  /** The key to look for: `"usage":{` (default) or Gemini's `"usageMetadata":{`. */
  key?: string;
}

const EVENT_END = '\n\n';
/** Bytes kept from the end of a read, to find a key split across two. */
const SEAM = 24;
const EMPTY = Buffer.alloc(0);

export class UsageTap {
  private readonly key: string;
  private raw: Record<string, unknown> | undefined;
  /** A usage object still arriving: its bytes so far (from its `{`). */
  private pending: Buffer | undefined;
  /** Inside an event being cut out: bytes are dropped until its end. */
  private skipping = false;
  /** The previous read ended at an event boundary (or nothing was read yet). */
  private atBoundary = true;
  private seam: Buffer | undefined;
  private endsInNewline = false;
  /** Event boundaries seen: about one token each in OpenAI's and Anthropic's streams. */
  events = 0;

  constructor(private readonly options: UsageTapOptions) {
    this.key = options.key ?? '"usage":{';
  }

  /** The bytes to send for this read: the read itself, or less when a usage event is cut out. */
  pass(chunk: Buffer): Buffer {
    const { stream, dropUsageEvent } = this.options;
    // An event's "\n\n" split across two reads ends it at this read's first byte.
    const splitBoundary = this.endsInNewline && chunk[0] === 0x0a;
    this.endsInNewline = chunk[chunk.length - 1] === 0x0a && !(chunk.length >= 2 && chunk[chunk.length - 2] === 0x0a);
    if (stream) this.countEvents(chunk, splitBoundary);
    let from = this.pending ? this.completePending(chunk) : this.seamKey(chunk);
    let outStart = 0;
    let pieces: Buffer[] | undefined;
    if (this.skipping) {
      const close = splitBoundary ? -1 : chunk.indexOf(EVENT_END, 0, 'latin1');
      if (close === -1 && !splitBoundary) return this.keepBoundary(EMPTY, chunk);
      this.skipping = false;
      outStart = close + 2;
      from = Math.max(from, outStart);
    }
    while (from < chunk.length) {
      const at = chunk.indexOf(this.key, from, 'latin1');
      if (at === -1) break;
      const start = at + this.key.length - 1;
      const end = objectEnd(chunk, start);
      if (end === -1) this.pending = chunk.subarray(start);
      else this.take(chunk.subarray(start, end));
      if (dropUsageEvent) {
        const prior = chunk.lastIndexOf(EVENT_END, at, 'latin1');
        // The event began in an earlier read, already sent: leave it in.
        if (prior === -1 && !splitBoundary && !(this.atBoundary && outStart === 0)) {
          if (end === -1) break;
          from = end;
          continue;
        }
        const eventStart = prior !== -1 ? prior + 2 : splitBoundary ? 1 : 0;
        (pieces ??= []).push(chunk.subarray(outStart, Math.max(outStart, eventStart)));
        const close = chunk.indexOf(EVENT_END, end === -1 ? at : end, 'latin1');
        if (close === -1) {
          this.skipping = true;
          outStart = chunk.length;
          break;
        }
        outStart = close + 2;
        from = outStart;
        continue;
      }
      if (end === -1) break;
      from = end;
    }
    let out: Buffer;
    if (!pieces) out = outStart === 0 ? chunk : chunk.subarray(outStart);
    else {
      pieces.push(chunk.subarray(outStart));
      out = Buffer.concat(pieces);
    }
    return this.keepBoundary(out, chunk);
  }

  usage(): Usage | undefined {
    return this.raw ? canonicalUsage(this.raw, this.options.family) : undefined;
  }

  private keepBoundary(out: Buffer, chunk: Buffer): Buffer {
    this.atBoundary = chunk.length >= 2 && chunk[chunk.length - 1] === 0x0a && chunk[chunk.length - 2] === 0x0a;
    // A read that ends an event cannot end inside a key: most stream reads keep no seam at all.
    if (this.atBoundary || this.pending) this.seam = undefined;
    else if (chunk.length >= SEAM) this.seam = chunk.subarray(chunk.length - SEAM);
    else {
      // Tiny reads: the seam spans several of them.
      const joined = this.seam ? Buffer.concat([this.seam, chunk]) : chunk;
      this.seam = joined.length > SEAM ? joined.subarray(joined.length - SEAM) : joined;
    }
    return out;
  }

  private take(json: Buffer): void {
    try {
      const parsed: unknown = JSON.parse(json.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) this.raw = mergeRawUsage(this.raw, parsed as Record<string, unknown>);
    } catch {
      // Not a usage object after all: nothing to record.
    }
  }

  /** Feeds a read to the usage object still arriving; returns where searching may resume. */
  private completePending(chunk: Buffer): number {
    const before = (this.pending as Buffer).length;
    const joined = Buffer.concat([this.pending as Buffer, chunk]);
    const end = objectEnd(joined, 0);
    if (end === -1) {
      this.pending = joined;
      return chunk.length;
    }
    this.pending = undefined;
    this.take(joined.subarray(0, end));
    return end - before;
  }

  /** A key split across the previous read and this one: its object starts in this read. */
  private seamKey(chunk: Buffer): number {
    const seam = this.seam;
    if (!seam) return 0;
    const joined = Buffer.concat([seam, chunk.subarray(0, Math.min(chunk.length, SEAM))]);
    const at = joined.indexOf(this.key, 0, 'latin1');
    if (at === -1 || at + this.key.length <= seam.length) return 0;
    const start = at + this.key.length - 1 - seam.length;
    const end = objectEnd(chunk, start);
    if (end === -1) {
      this.pending = chunk.subarray(start);
      return chunk.length;
    }
    this.take(chunk.subarray(start, end));
    return end;
  }

  private countEvents(chunk: Buffer, splitBoundary: boolean): void {
    if (splitBoundary) this.events++;
    let at = chunk.indexOf(EVENT_END, 0, 'latin1');
    while (at !== -1) {
      this.events++;
      at = chunk.indexOf(EVENT_END, at + 2, 'latin1');
    }
  }
}
