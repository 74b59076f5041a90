/**
 * Reads a request body into one Buffer, refusing more than `limit` bytes, and more than the
 * process-wide budget of bodies in flight (body-budget.ts). Bytes count against the budget from
 * the moment they arrive until the body is complete or refused; a refused body is dropped at once.
 */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';
import { inflightBodies } from './body-budget.js';

export function tooLarge(limit: number, key = 'server.max-body-size'): GatewayError {
  return new GatewayError({
    status: 413,
    code: 'request_too_large',
    message: `The request body is larger than the gateway's limit of ${limit} bytes. Send a smaller request, or raise ${key}.`,
  });
}

/** A body larger than the whole budget could never be received: that is too large, not busy. */
function limitOf(limit: number): [number, string] {
  return inflightBodies.size < limit ? [inflightBodies.size, 'server.max-inflight-body-bytes'] : [limit, 'server.max-body-size'];
}

function overBudget(): GatewayError {
  return new GatewayError({
    status: 503,
    code: 'request_bodies_over_capacity',
    retryAfter: 1,
    message: `The gateway is receiving too many request bodies at once (server.max-inflight-body-bytes = ${inflightBodies.size}). Try again shortly.`,
  });
}

/** The client hung up while sending its body: nothing to answer, and not a gateway fault. */
export const CLIENT_ABORTED = 'client_aborted_upload';

function clientAborted(): GatewayError {
  return new GatewayError({ status: 400, code: CLIENT_ABORTED, message: 'The client closed the connection before its request body arrived.' });
}

export function isClientAbort(err: unknown): boolean {
  return err instanceof GatewayError && err.code === CLIENT_ABORTED;
}

const WHOLE_FROM = 1024 * 1024;

export function readBody(req: IncomingMessage, maxBodySize: number): Promise<Buffer> {
  const [limit, key] = limitOf(maxBodySize);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit, key));
  if (req.destroyed) return Promise.reject(clientAborted());
  return new Promise((resolve, reject) => {
    // A large body of declared length is copied into one buffer of that size as it arrives:
    // each read is garbage at once, the body is freed as a whole, and no second copy is made at
    // the end (a list of reads joined by Buffer.concat holds it twice). The buffer is made only
    // after WHOLE_FROM bytes, so merely declaring a length reserves nothing. Smaller and chunked
    // bodies keep the list; a body in one read is used as it is.
    let whole: Buffer | undefined;
    let chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: GatewayError | undefined): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      inflightBodies.give(size);
      if (err) {
        chunks = [];
        whole = undefined;
        // Keeps the socket readable so the answer can go out; the server closes the connection after it.
        req.on('error', ignore);
        req.resume();
        reject(err);
        return;
      }
      if (whole) resolve(size === whole.length ? whole : whole.subarray(0, size));
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      chunks = [];
      whole = undefined;
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > limit) return settle(tooLarge(limit, key));
      if (!inflightBodies.take(chunk.length)) return settle(overBudget());
      if (whole === undefined && size + chunk.length >= WHOLE_FROM && declared > size + chunk.length) {
        whole = Buffer.allocUnsafeSlow(declared);
        let at = 0;
        for (const part of chunks) at += part.copy(whole, at);
        chunks = [];
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = (): void => settle(undefined);
    const onError = (): void => settle(clientAborted());
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

function ignore(): void {}
