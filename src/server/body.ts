/** Reads a request body into one Buffer, refusing more than `limit` bytes. */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';

export function tooLarge(limit: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: 'request_too_large',
    message: `The request body is larger than the gateway's limit of ${limit} bytes. Send a smaller request, or raise server.max-body-size.`,
  });
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}
