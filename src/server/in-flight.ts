/**
 * The requests a server is serving right now: what a graceful shutdown waits for, and what it
 * ends at its timeout. A request counts from its arrival until its response closes.
 */
import type { RequestContext } from './context.js';

export class InFlight {
  private readonly open = new Set<RequestContext>();
  private onChange: (() => void) | undefined;

  get size(): number {
    return this.open.size;
  }

  get draining(): boolean {
    return this.onChange !== undefined;
  }

  add(ctx: RequestContext): void {
    this.open.add(ctx);
    ctx.tracker = this;
    // While draining, a request that still arrives on an open connection is served, and the
    // connection is closed after it.
    if (this.onChange) ctx.res.shouldKeepAlive = false;
  }

  /** Called by the request's context when its response closes. */
  remove(ctx: RequestContext): void {
    if (this.open.delete(ctx)) this.onChange?.();
  }

  /** From now on `onChange` runs whenever a request ends; returns those still open. */
  drain(onChange: () => void): ReadonlySet<RequestContext> {
    this.onChange = onChange;
    for (const ctx of this.open) if (!ctx.res.headersSent) ctx.res.shouldKeepAlive = false;
    return this.open;
  }
}
