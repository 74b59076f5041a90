/** The client sink on a Node HTTP response: the only place the pipeline's answers meet `res`. */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClientSink, SinkHeaders } from '../core/client-sink.js';
import type { RequestContext } from './context.js';

export class ResponseSink implements ClientSink {
  constructor(private readonly ctx: RequestContext) {}

  get gone(): boolean {
    return this.ctx.clientGone;
  }

  get committed(): boolean {
    return this.ctx.res.headersSent;
  }

  head(status: number, headers: SinkHeaders): void {
    this.ctx.res.writeHead(status, headers as OutgoingHttpHeaders);
  }

  write(chunk: string | Buffer): boolean {
    return this.ctx.res.write(chunk);
  }

  end(chunk?: string | Buffer): void {
    if (chunk === undefined) this.ctx.res.end();
    else this.ctx.res.end(chunk);
  }

  destroy(): void {
    this.ctx.res.destroy();
  }

  onDrain(listener: () => void): void {
    this.ctx.res.on('drain', listener);
  }
}
