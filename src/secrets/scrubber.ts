/**
 * Keeps the gateway's own credentials out of everything it relays from a provider.
 *
 * Some providers and proxies echo the credential they were sent — in an error message, a
 * header, a debugging field. Every upstream response passes through here before the client sees
 * any of it: the whole of each secret, and any run of MIN_RUN (16) or more consecutive bytes of
 * one, is overwritten with a marker naming the secret's fingerprint, `[redacted ...abcd]`.
 *
 * Speed (this runs on every relayed byte): any run of 16 bytes in a chunk contains a whole
 * 4-byte window starting at a multiple of 13 of the chunk (13 + 4 - 1 = 16). So the chunk is
 * sampled there: 4 bytes read as an integer, one bit test against a filter of every 4-byte
 * window of every secret, and only a sample that passes is looked up and extended byte by byte.
 * The cost is one step per 13 bytes whatever the number and length of the secrets (one native
 * `Buffer.indexOf` per 8-byte block of each secret was measured 1.3–9× slower with real key
 * sets; see bench/scrub-micro.ts). A chunk with no hit is returned as it is (no copy). With no
 * secrets there is nothing to do.
 *
 * A marker is as long as what it replaces, so a body keeps its `content-length` and every other
 * byte stays where it was.
 *
 * Looked for: the raw bytes, and the two encodings an echo plausibly adds — percent-encoding
 * (`encodeURIComponent`) and JSON's optional `\/`. Other encodings (`\u` escapes, base64) are not
 * looked through, nor are compressed bodies (passthrough asks providers for uncompressed ones).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { asciiFingerprint } from './fingerprint.js';

/** Shortest run of a secret that is redacted (a shorter secret is redacted when whole). */
export const MIN_RUN = 16;
/** Secrets shorter than this are not looked for: too short to tell apart from ordinary text. */
const MIN_SECRET = 8;
/** Bytes sampled at a time. */
const WINDOW = 4;
/** Every run of MIN_RUN bytes holds a whole window starting at a multiple of STRIDE. */
const STRIDE = MIN_RUN - WINDOW + 1;
/** Longest chunk end that can start a run still to be completed by the next chunk. */
const HOLD = MIN_RUN - 1;

/** One spelling of one secret (raw or encoded). */
interface Form {
  readonly bytes: Buffer;
  readonly text: string;
  /** MIN_RUN, or the whole form when it is shorter. */
  readonly minRun: number;
  readonly fingerprint: string;
}

/** Where a sampled window of the text may sit in a form. */
interface Place {
  readonly form: Form;
  readonly offset: number;
}

/** Rewrites a body chunk by chunk: what `write` holds back comes out of a later write or `end`. */
export interface ChunkScrubber {
  write(chunk: Buffer): Buffer;
  end(): Buffer | undefined;
}

/** What `scrubResponse` needs of an upstream response (structural: see upstream/client.ts). */
export interface ScrubbableResponse {
  headers: IncomingHttpHeaders;
  body: { filter(filter: ChunkScrubber): void };
}

/** The spellings of a secret an echo may use, without duplicates. */
function spellings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), secret.replaceAll('/', '\\/')]);
  return [...forms];
}

/** An ASCII marker of exactly `length` bytes, naming the fingerprint when there is room. */
export function redactionMarker(length: number, fingerprint: string): string {
  if (fingerprint) {
    // `[redacted ...abcd]` is 18 bytes; longer runs pad it like a masked key.
    if (length >= 18) return `[redacted ${'*'.repeat(length - 18)}...${fingerprint}]`;
    if (length >= 15) return `[redacted${'.'.repeat(length - 14)}${fingerprint}]`;
  }
  if (length >= 10) return `[redacted${'*'.repeat(length - 10)}]`;
  return '*'.repeat(length);
}

/** Bits of the window filter: 2^20 bits (128 KiB) keep false hits rare even with long secrets. */
const FILTER_BITS = 20;

/** The 4 bytes at `at` as one integer (this runs every STRIDE relayed bytes: integer work only). */
function windowAt(data: Uint8Array, at: number): number {
  return data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
}

/** The filter bit of a window: the top FILTER_BITS bits of a multiplicative hash. */
function filterBit(window: number): number {
  return Math.imul(window, 0x9e3779b1) >>> (32 - FILTER_BITS);
}

export class Scrubber {
  /** False when the gateway holds no secret long enough to look for: then nothing is touched. */
  readonly active: boolean;
  private readonly forms: Form[] = [];
  /** Forms shorter than MIN_RUN, redacted only whole: found with Buffer.indexOf. */
  private readonly shortForms: Form[] = [];
  /** Window (4 bytes as an integer) → where it sits in the longer forms. */
  private readonly windows = new Map<number, Place[]>();
  /** One bit per window hash prefix: the first, cheap test for every sampled window. */
  private readonly filter = new Int32Array(1 << (FILTER_BITS - 5));
  /** 1 for bytes that occur in some form: a chunk ending in any other byte is never held back. */
  private readonly alphabet = new Uint8Array(256);

  constructor(secrets: Iterable<string>) {
    for (const secret of new Set(secrets)) {
      if (secret.length < MIN_SECRET) continue;
      const fingerprint = asciiFingerprint(secret);
      for (const spelling of spellings(secret)) {
        const bytes = Buffer.from(spelling, 'utf8');
        const form: Form = { bytes, text: spelling, minRun: Math.min(MIN_RUN, bytes.length), fingerprint };
        this.forms.push(form);
        for (const byte of bytes) this.alphabet[byte] = 1;
        if (bytes.length < MIN_RUN) {
          this.shortForms.push(form);
          continue;
        }
        // Every window at every offset: the text is sampled at its own multiples of STRIDE.
        for (let offset = 0; offset + WINDOW <= bytes.length; offset++) {
          const window = windowAt(bytes, offset);
          const bit = filterBit(window);
          this.filter[bit >>> 5]! |= 1 << (bit & 31);
          const places = this.windows.get(window);
          if (places) places.push({ form, offset });
          else this.windows.set(window, [{ form, offset }]);
        }
      }
    }
    this.active = this.forms.length > 0;
  }

  /** A whole buffer: the same buffer when clean, else a redacted copy of it. */
  scrubBuffer(data: Buffer): Buffer {
    if (!this.active) return data;
    const runs = this.findRuns(data);
    return runs ? redact(data, runs) : data;
  }

  scrubText(text: string): string {
    if (!this.active) return text;
    const bytes = Buffer.from(text, 'utf8');
    const clean = this.scrubBuffer(bytes);
    return clean === bytes ? text : clean.toString('utf8');
  }

  /**
   * Header values in place (markers are ASCII, so values stay valid). Each value is sampled as
   * a string, without copying; only a value that may hold a secret is converted and redacted.
   */
  scrubHeaders(headers: IncomingHttpHeaders): void {
    if (!this.active) return;
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') {
        if (this.mayHold(value)) headers[name] = this.scrubText(value);
      } else if (Array.isArray(value) && value.some((v) => this.mayHold(v))) {
        headers[name] = value.map((v) => this.scrubText(v));
      }
    }
  }

  /** The body sampler's first test, on a string (header values are Latin-1: one byte per char). */
  private mayHold(text: string): boolean {
    const filter = this.filter;
    for (let at = 0; at + WINDOW <= text.length; at += STRIDE) {
      const window = text.charCodeAt(at) | (text.charCodeAt(at + 1) << 8) | (text.charCodeAt(at + 2) << 16) | (text.charCodeAt(at + 3) << 24);
      const bit = filterBit(window);
      if ((filter[bit >>> 5]! & (1 << (bit & 31))) !== 0 && this.windows.has(window)) return true;
    }
    return this.shortForms.some((form) => text.includes(form.text));
  }

  /** A body scrubbed as it streams; a run split across chunks is still found. */
  stream(): ChunkScrubber {
    return new StreamScrubber(this);
  }

  /** Headers now, body as it arrives: call before anything of the response is read or relayed. */
  scrubResponse(response: ScrubbableResponse): void {
    if (!this.active) return;
    this.scrubHeaders(response.headers);
    response.body.filter(new StreamScrubber(this));
  }

  /**
   * How many bytes at the end of `data` could be the start of a run that the next chunk
   * completes: the longest suffix (≤ HOLD) that occurs in some form. Usually 0 at once, since
   * chunks tend to end in bytes no secret has (`}`, `\n`); a suffix that is not in any form
   * cannot grow into one that is, so the search stops at the first miss.
   */
  holdBack(data: Buffer): number {
    const n = data.length;
    let held = 0;
    while (held < HOLD && held < n && this.alphabet[data[n - 1 - held]!] === 1) {
      const suffix = data.subarray(n - held - 1);
      if (held > 0 && !this.forms.some((form) => form.bytes.includes(suffix))) break;
      held++;
    }
    return held;
  }

  /**
   * Every long enough match, or undefined when there is none (the common case: no allocation).
   * Samples the 4 bytes at every multiple of STRIDE: a bit test per sample, and only a sample
   * that is a window of some secret is extended byte by byte.
   */
  private findRuns(data: Buffer): Run[] | undefined {
    let runs: Run[] | undefined;
    let covered = 0;
    const filter = this.filter;
    for (let at = 0; at + WINDOW <= data.length; at += STRIDE) {
      const window = windowAt(data, at);
      const bit = filterBit(window);
      if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0 || at + WINDOW <= covered) continue;
      const places = this.windows.get(window);
      if (!places) continue;
      for (const { form, offset } of places) {
        const run = extend(data, at, form, offset);
        if (!run) continue;
        (runs ??= []).push(run);
        if (run.end > covered) covered = run.end;
      }
    }
    for (const form of this.shortForms) {
      for (let hit = data.indexOf(form.bytes); hit !== -1; hit = data.indexOf(form.bytes, hit + 1)) {
        (runs ??= []).push({ start: hit, end: hit + form.bytes.length, fingerprint: form.fingerprint });
      }
    }
    return runs;
  }
}

interface Run {
  start: number;
  end: number;
  fingerprint: string;
}

/** The longest stretch around a window hit that matches `form` at the same alignment, if long enough. */
function extend(data: Buffer, hit: number, form: Form, offset: number): Run | undefined {
  const { bytes } = form;
  let start = hit;
  let left = offset;
  while (start > 0 && left > 0 && data[start - 1] === bytes[left - 1]) {
    start--;
    left--;
  }
  let end = hit + WINDOW;
  let right = offset + WINDOW;
  while (end < data.length && right < bytes.length && data[end] === bytes[right]) {
    end++;
    right++;
  }
  return end - start >= form.minRun ? { start, end, fingerprint: form.fingerprint } : undefined;
}

/** A copy of `data` with every run (overlapping ones merged) overwritten by its marker. */
function redact(data: Buffer, runs: Run[]): Buffer {
  const out = Buffer.from(data);
  runs.sort((a, b) => a.start - b.start);
  let current = runs[0]!;
  for (let i = 1; i <= runs.length; i++) {
    const next = runs[i];
    if (next && next.start <= current.end) {
      if (next.end > current.end) current = { ...current, end: next.end };
      continue;
    }
    out.write(redactionMarker(current.end - current.start, current.fingerprint), current.start, 'latin1');
    if (next) current = next;
  }
  return out;
}

/** Per response: scrubs each chunk, holding back a chunk's end only when it could start a run. */
class StreamScrubber implements ChunkScrubber {
  private tail: Buffer | undefined;

  constructor(private readonly scrubber: Scrubber) {}

  write(chunk: Buffer): Buffer {
    const data = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = undefined;
    const clean = this.scrubber.scrubBuffer(data);
    const hold = this.scrubber.holdBack(clean);
    if (hold === 0) return clean;
    // A copy: the held bytes must not keep the whole chunk alive.
    this.tail = Buffer.from(clean.subarray(clean.length - hold));
    return clean.subarray(0, clean.length - hold);
  }

  end(): Buffer | undefined {
    const tail = this.tail;
    this.tail = undefined;
    return tail;
  }
}

/** A scrubber that does nothing (no credentials held). */
export const NO_SCRUBBING = new Scrubber([]);
