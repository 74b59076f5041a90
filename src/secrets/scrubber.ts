/**
 * Keeps the gateway's own credentials out of everything it relays from a provider.
 *
 * Some providers and proxies echo the credential they were sent — in an error message, a
 * header, a debugging field. Every upstream response passes through here before the client sees
 * any of it: the whole of each secret, and any run of MIN_RUN (16) or more consecutive bytes of
 * one, is overwritten with a marker naming the secret's fingerprint, `[redacted ...abcd]`.
 *
 * Speed (this runs on every relayed byte): any run of 16 bytes of a secret contains one of the
 * secret's 8-byte blocks at offsets 0, 8, 16, … — so a chunk is searched with native
 * `Buffer.indexOf` for those few blocks, and only a hit is verified and extended byte by byte.
 * A chunk with no hit is returned as it is (no copy). With no secrets there is nothing to do.
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
/** Every run of MIN_RUN bytes contains a whole block at a multiple of BLOCK: BLOCK + BLOCK - 1 ≤ MIN_RUN. */
const BLOCK = 8;
/** Longest chunk end that can start a run still to be completed by the next chunk. */
const HOLD = MIN_RUN - 1;

/** One spelling of one secret (raw or encoded). */
interface Form {
  readonly bytes: Buffer;
  /** MIN_RUN, or the whole form when it is shorter. */
  readonly minRun: number;
  readonly fingerprint: string;
}

/** One distinct 8-byte block and where it sits in the forms that contain it. */
interface Needle {
  readonly block: Buffer;
  readonly text: string;
  readonly at: { form: Form; offset: number }[];
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

export class Scrubber {
  /** False when the gateway holds no secret long enough to look for: then nothing is touched. */
  readonly active: boolean;
  private readonly forms: Form[] = [];
  private readonly needles: Needle[] = [];
  /** 1 for bytes that occur in some form: a chunk ending in any other byte is never held back. */
  private readonly alphabet = new Uint8Array(256);

  /** Secrets shorter than one block are left alone: too short to tell apart from ordinary text. */
  constructor(secrets: Iterable<string>) {
    const byBlock = new Map<string, Needle>();
    for (const secret of new Set(secrets)) {
      if (secret.length < BLOCK) continue;
      const fingerprint = asciiFingerprint(secret);
      for (const spelling of spellings(secret)) {
        const bytes = Buffer.from(spelling, 'utf8');
        const form: Form = { bytes, minRun: Math.min(MIN_RUN, bytes.length), fingerprint };
        this.forms.push(form);
        for (const byte of bytes) this.alphabet[byte] = 1;
        for (let offset = 0; offset + BLOCK <= bytes.length; offset += BLOCK) {
          const block = bytes.subarray(offset, offset + BLOCK);
          const text = block.toString('latin1');
          let needle = byBlock.get(text);
          if (!needle) byBlock.set(text, (needle = { block: Buffer.from(block), text, at: [] }));
          needle.at.push({ form, offset });
        }
      }
    }
    this.needles = [...byBlock.values()];
    this.active = this.needles.length > 0;
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
   * Header values in place (markers are ASCII, so values stay valid). One search over all the
   * values joined; per-header work only on a hit.
   */
  scrubHeaders(headers: IncomingHttpHeaders): void {
    if (!this.active) return;
    let joined = '';
    for (const name in headers) {
      const value = headers[name];
      joined += typeof value === 'string' ? value : Array.isArray(value) ? value.join('\n') : '';
      joined += '\n';
    }
    if (!this.needles.some((needle) => joined.includes(needle.text))) return;
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') headers[name] = this.scrubText(value);
      else if (Array.isArray(value)) headers[name] = value.map((v) => this.scrubText(v));
    }
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
   * chunks tend to end in bytes no secret has (`}`, `\n`).
   */
  holdBack(data: Buffer): number {
    const n = data.length;
    let longest = 0;
    while (longest < HOLD && longest < n && this.alphabet[data[n - 1 - longest]!] === 1) longest++;
    for (let length = longest; length > 0; length--) {
      const suffix = data.subarray(n - length);
      for (const form of this.forms) if (form.bytes.includes(suffix)) return length;
    }
    return 0;
  }

  /** Every long enough match, or undefined when there is none (the common case: no allocation). */
  private findRuns(data: Buffer): Run[] | undefined {
    let runs: Run[] | undefined;
    for (const needle of this.needles) {
      let hit = data.indexOf(needle.block);
      while (hit !== -1) {
        for (const { form, offset } of needle.at) {
          const run = extend(data, hit, form, offset);
          if (run) (runs ??= []).push(run);
        }
        hit = data.indexOf(needle.block, hit + 1);
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

/** The longest stretch around a block hit that matches `form` at the same alignment, if long enough. */
function extend(data: Buffer, hit: number, form: Form, offset: number): Run | undefined {
  const { bytes } = form;
  let start = hit;
  let left = offset;
  while (start > 0 && left > 0 && data[start - 1] === bytes[left - 1]) {
    start--;
    left--;
  }
  let end = hit + BLOCK;
  let right = offset + BLOCK;
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
