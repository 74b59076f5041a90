/** Per-request state shared by the handlers: id, timing, cancellation. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export class RequestContext {
  readonly id: string;
  readonly startedAt = performance.now();
  private controller: AbortController | undefined;
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
        this.controller?.abort(new Error('client disconnected'));
      }
    });
  }

  /** Aborts upstream work when the client disconnects. Created on first use. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.clientGone) this.controller.abort(new Error('client disconnected'));
    return this.controller.signal;
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}
