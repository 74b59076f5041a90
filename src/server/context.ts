/** Per-request state shared by the handlers: id, timing, cancellation. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CancelSignal } from '../core/cancel-signal.js';
import type { InFlight } from './in-flight.js';
import type { ClientDialect } from '../pipeline/answer-encoder.js';
import { ALL_RESPONSE_HEADERS, type ResponseHeaderSettings } from './respond.js';

/**
 * Client-chosen request ids in flight, and how many requests hold each: records, traces and
 * logs tell requests apart by id, so a second request in flight with the same one gets a suffix
 * (`abc.2`). Only client-chosen ids are tracked; generated ones are unique already.
 */
const clientIds = new Map<string, { holders: number; next: number }>();

function clientId(given: string, ctx: RequestContext): string {
  let entry = clientIds.get(given);
  if (!entry) clientIds.set(given, (entry = { holders: 0, next: 1 }));
  const held = entry;
  held.holders++;
  const n = held.next++;
  ctx.onClose(() => {
    if (--held.holders === 0) clientIds.delete(given);
  });
  return n === 1 ? given : `${given}.${n}`;
}

export class RequestContext {
  readonly id: string;
  readonly startedAt = performance.now();
  /** Cancels upstream work when the client disconnects (or the request's deadline passes). */
  readonly signal = new CancelSignal();
  /** Set once the client went away before the response was finished. */
  clientGone = false;
  /** Set when a response that had started was cut off by the provider (or the deadline). */
  interrupted = false;
  provider: string | undefined;
  attempts = 0;
  /** The pipeline (or passthrough) told the bus of this request: it will be recorded. */
  observed = false;
  /** The code of the error the client got, when it got one (for the audit log). */
  errorCode: string | null = null;
  /** The client's API, set by the route: errors are rendered in it (OpenAI's when unset). */
  dialect: ClientDialect | undefined = undefined;
  /** The server's in-flight registry, told when the response closes; and this request's links in it. */
  tracker: InFlight | undefined = undefined;
  inFlightPrev: RequestContext | undefined = undefined;
  inFlightNext: RequestContext | undefined = undefined;
  private closeHooks: (() => void)[] | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** `response-headers` from the config. */
    readonly responseHeaders: ResponseHeaderSettings = ALL_RESPONSE_HEADERS,
  ) {
    const given = req.headers['x-request-id'];
    this.id = typeof given === 'string' && given.length > 0 && given.length <= 128 ? clientId(given, this) : randomUUID();
    // 'close' fires once per response; one plain listener serves every hook below.
    res.on('close', this.closed);
  }

  /** Runs `hook` when the response closes, finished or not (after `clientGone` is settled). */
  onClose(hook: () => void): void {
    (this.closeHooks ??= []).push(hook);
  }

  private readonly closed = (): void => {
    if (!this.res.writableFinished) {
      this.clientGone = true;
      this.signal.abort(new Error('client disconnected'));
    }
    const hooks = this.closeHooks;
    if (hooks) for (let i = 0; i < hooks.length; i++) hooks[i]();
    this.tracker?.remove(this);
  };

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}
