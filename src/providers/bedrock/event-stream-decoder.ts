/**
 * Incremental `application/vnd.amazon.eventstream` decoder. Network chunks split and join
 * frames arbitrarily, so bytes are held until one whole frame is present; `EventStreamCodec`
 * then checks both CRCs and parses the headers. The prelude CRC is checked as soon as its
 * 12 bytes arrive, so a corrupted length fails at once instead of waiting for megabytes.
 */
import { crc32 } from 'node:zlib';
import type { EventStreamCodec, Message } from '@smithy/eventstream-codec';
import { loadedAwsLibs } from './aws-libs.js';

const PRELUDE_LENGTH = 12;
const MIN_MESSAGE_LENGTH = 16;
/** AWS caps payloads at 16 MiB and headers at 128 KiB. */
const MAX_MESSAGE_LENGTH = 16 * 1024 * 1024 + 128 * 1024 + 16;

export class EventStreamFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStreamFramingError';
  }
}

export type DecodedMessage = Message;

export class EventStreamDecoder {
  private readonly codec: EventStreamCodec;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Length of the frame being collected, once its prelude has been checked. */
  private frameLength = 0;

  /** Needs `loadAwsLibs()` to have resolved (a Bedrock request is signed before its stream arrives). */
  constructor() {
    const aws = loadedAwsLibs();
    this.codec = new aws.EventStreamCodec(aws.toUtf8, aws.fromUtf8);
  }

  /** Feeds bytes; calls `onMessage` for every complete frame. Throws EventStreamFramingError. */
  push(bytes: Buffer, onMessage: (message: DecodedMessage) => void): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    while (true) {
      if (this.frameLength === 0) {
        if (this.pendingLength < PRELUDE_LENGTH) return;
        this.frameLength = this.checkPrelude(this.head(PRELUDE_LENGTH));
      }
      if (this.pendingLength < this.frameLength) return;
      const frame = this.take(this.frameLength);
      this.frameLength = 0;
      let message: Message;
      try {
        message = this.codec.decode(frame);
      } catch (err) {
        throw new EventStreamFramingError(err instanceof Error ? err.message : 'invalid event-stream frame');
      }
      onMessage(message);
    }
  }

  /** Bytes received that do not form a whole frame yet. */
  get buffered(): number {
    return this.pendingLength;
  }

  private checkPrelude(prelude: Buffer): number {
    const total = prelude.readUInt32BE(0);
    const headers = prelude.readUInt32BE(4);
    if (crc32(prelude.subarray(0, 8)) !== prelude.readUInt32BE(8)) {
      throw new EventStreamFramingError('event-stream prelude checksum mismatch');
    }
    if (total < MIN_MESSAGE_LENGTH || total > MAX_MESSAGE_LENGTH || headers > total - MIN_MESSAGE_LENGTH) {
      throw new EventStreamFramingError(`event-stream frame length ${total} is invalid`);
    }
    return total;
  }

  /** The first `n` bytes, joining chunks only when the prefix spans several. */
  private head(n: number): Buffer {
    const first = this.pending[0];
    if (first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.pending, this.pendingLength);
    this.pending = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
    const frame = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingLength = rest.length;
    return frame;
  }
}
