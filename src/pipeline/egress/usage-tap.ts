/**
 * Reads usage out of an answer the gateway relays byte for byte, without parsing the stream and
 * without searching every read: usage sits at an answer's end (OpenAI's usage chunk before
 * `[DONE]`, `response.completed`, Anthropic's `message_delta`, a JSON body's `usage`) and, for
 * Anthropic, also at its start (`message_start`). So the tap keeps references to the first and
 * the last few KiB of reads (no copies) and searches them once, when the answer is over.
 *
 * The exception is an OpenAI chat stream whose client did not ask for usage: the gateway asked
 * (`stream_options.include_usage`), so that event must be cut out before it is relayed. Each
 * read is checked for the usage chunk's empty `"choices":[]` with a one-byte search, and only a
 * read that has one is searched for the usage object and cut. An event is cut only from its
 * start: if that start went out with an earlier read, the event is left in — an extra usage
 * chunk, which OpenAI's SDKs accept, rather than a broken stream.
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

const EVENT_END = Buffer.from('\n\n');
/** The keys searched for, as bytes once: a tap is made per answer. */
const KEYS = new Map<string, Buffer>();
const keyBytes = (key: string): Buffer => {
  let bytes = KEYS.get(key);
  if (!bytes) KEYS.set(key, (bytes = Buffer.from(key)));
  return bytes;
};
/** How much of an answer's start and end is kept to search: usage objects are far smaller. */
const KEPT = 2048;
const EMPTY = Buffer.alloc(0);
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACKET = 0x5b;
const NEWLINE = 0x0a;

export class UsageTap {
  private readonly key: Buffer;
  private raw: Record<string, unknown> | undefined;
  /** The first reads (up to KEPT bytes) and the last ones (at least KEPT bytes), by reference. */
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private readonly tail: Buffer[] = [];
  private tailBytes = 0;
  private searched = false;
  /** Drop mode: a usage object still arriving, its bytes so far (from its `{`). */
  private pending: Buffer | undefined;
  /** Drop mode: inside an event being cut out, bytes are dropped until its end. */
  private skipping = false;
  /** The previous read ended at an event boundary (or nothing was read yet). */
  private atBoundary = true;
  private endsInNewline = false;
  /** Reads that ended an event: about one token each in OpenAI's and Anthropic's streams. */
  events = 0;

  constructor(private readonly options: UsageTapOptions) {
    this.key = keyBytes(options.key ?? '"usage":{');
  }

  /** The bytes to send for this read: the read itself, or less when a usage event is cut out. */
  pass(chunk: Buffer): Buffer {
    const n = chunk.length;
    if (n === 0) return chunk;
    // An event's "\n\n" split across two reads ends it at this read's first byte.
    const splitBoundary = this.endsInNewline && chunk[0] === NEWLINE;
    const endsEvent = (n >= 2 && chunk[n - 1] === NEWLINE && chunk[n - 2] === NEWLINE) || (n === 1 && splitBoundary);
    this.endsInNewline = chunk[n - 1] === NEWLINE && !endsEvent;
    if (splitBoundary) this.events++;
    if (endsEvent && !(n === 1 && splitBoundary)) this.events++;
    const out = this.options.dropUsageEvent && (this.pending || this.skipping || hasEmptyArray(chunk)) ? this.cut(chunk, splitBoundary) : chunk;
    this.atBoundary = endsEvent;
    this.keep(chunk);
    return out;
  }

  /** The usage the answer carried (searched once, when asked). */
  usage(): Usage | undefined {
    if (!this.searched) {
      this.searched = true;
      // Drop mode found OpenAI's usage chunk on the way; otherwise the kept ends are searched.
      if (!this.raw) {
        if (this.options.family === 'anthropic' && this.head.length > 0 && this.head[0] !== this.tail[0]) this.search(join(this.head));
        this.search(join(this.tail));
      }
    }
    return this.raw ? canonicalUsage(this.raw, this.options.family) : undefined;
  }

  private keep(chunk: Buffer): void {
    if (this.headBytes < KEPT) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= KEPT) this.tailBytes -= (this.tail.shift() as Buffer).length;
  }

  /** Takes every usage object in `bytes` (later ones complete earlier ones). */
  private search(bytes: Buffer): void {
    let from = 0;
    for (;;) {
      const at = bytes.indexOf(this.key, from);
      if (at === -1) return;
      const start = at + this.key.length - 1;
      const end = objectEnd(bytes, start);
      if (end === -1) return;
      this.take(bytes.subarray(start, end));
      from = end;
    }
  }

  private take(json: Buffer): void {
    try {
      const parsed: unknown = JSON.parse(json.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) this.raw = mergeRawUsage(this.raw, parsed as Record<string, unknown>);
    } catch {
      // Not a usage object after all: nothing to record.
    }
  }

  /** Drop mode, for a read that may hold (or continue) the usage event: takes it and cuts it out. */
  private cut(chunk: Buffer, splitBoundary: boolean): Buffer {
    let from = 0;
    if (this.pending) {
      const before = this.pending.length;
      const joined = Buffer.concat([this.pending, chunk]);
      const end = objectEnd(joined, 0);
      if (end === -1) {
        this.pending = joined;
        from = chunk.length;
      } else {
        this.pending = undefined;
        this.take(joined.subarray(0, end));
        from = end - before;
      }
    }
    let outStart = 0;
    let pieces: Buffer[] | undefined;
    if (this.skipping) {
      const close = splitBoundary ? -1 : chunk.indexOf(EVENT_END, 0);
      if (close === -1 && !splitBoundary) return EMPTY;
      this.skipping = false;
      outStart = close + 2;
      from = Math.max(from, outStart);
    }
    while (from < chunk.length) {
      const at = chunk.indexOf(this.key, from);
      if (at === -1) break;
      const start = at + this.key.length - 1;
      const end = objectEnd(chunk, start);
      if (end === -1) this.pending = chunk.subarray(start);
      else this.take(chunk.subarray(start, end));
      const prior = chunk.lastIndexOf(EVENT_END, at);
      // The event began in an earlier read, already sent: leave it in.
      if (prior === -1 && !splitBoundary && !(this.atBoundary && outStart === 0)) {
        if (end === -1) break;
        from = end;
        continue;
      }
      const eventStart = prior !== -1 ? prior + 2 : splitBoundary ? 1 : 0;
      (pieces ??= []).push(chunk.subarray(outStart, Math.max(outStart, eventStart)));
      const close = chunk.indexOf(EVENT_END, end === -1 ? at : end);
      if (close === -1) {
        this.skipping = true;
        outStart = chunk.length;
        break;
      }
      outStart = close + 2;
      from = outStart;
    }
    if (!pieces) return outStart === 0 ? chunk : chunk.subarray(outStart);
    pieces.push(chunk.subarray(outStart));
    return Buffer.concat(pieces);
  }
}

/** Whether a read holds `[]`, as OpenAI's usage chunk does (`"choices":[]`): one-byte searches. */
function hasEmptyArray(chunk: Buffer): boolean {
  let at = chunk.indexOf(CLOSE_BRACKET);
  while (at !== -1) {
    if (at > 0 && chunk[at - 1] === OPEN_BRACKET) return true;
    at = chunk.indexOf(CLOSE_BRACKET, at + 1);
  }
  return false;
}

const join = (parts: Buffer[]): Buffer => (parts.length === 1 ? parts[0] : Buffer.concat(parts));
