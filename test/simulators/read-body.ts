/** A simulator's request body, once it has all arrived: parsed JSON, or the raw text when it is not JSON. */
import type { IncomingMessage } from 'node:http';

export function onBody(req: IncomingMessage, handle: (body: unknown) => void): void {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    const text = Buffer.concat(parts).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as the raw string.
    }
    handle(body);
  });
}
