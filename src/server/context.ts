/** Per-request state shared by the handlers: id, timing, cancellation. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CancelSignal } from '../core/cancel-signal.js';

export class RequestContext {
  readonly id: string;
  readonly startedAt = performance.now();
  /** Cancels upstream work when the client disconnects (or the request's deadline passes). */
  readonly signal = new CancelSignal();
  /** Set once the client went away before the response was finished. */
  clientGone = false;
  provider: string | undefined;
  attempts = 0;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    const given = req.headers['x-request-id'];
    this.id = typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
    res.once('close', () => {
      if (!res.writableFinished) {
        this.clientGone = true;
        this.signal.abort(new Error('client disconnected'));
      }
    });
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}
