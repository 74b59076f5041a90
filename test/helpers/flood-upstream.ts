/**
 * An upstream for passthrough tests of clients that stop reading: `…/flood` streams without
 * end (as fast as the reader takes it), `…/slow` is silent for 2.5 s and then sends 1 MiB.
 * `floodClosed` counts flood responses that ended (cancelled by the gateway).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { listenLocally } from './listen.js';

export interface FloodUpstream {
  url: string;
  readonly floodClosed: number;
  close(): Promise<void>;
}

export async function startFloodUpstream(): Promise<FloodUpstream> {
  const state = { floodClosed: 0 };
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server: Server = createServer((req, res: ServerResponse) => {
    req.resume();
    if (req.url?.endsWith('/flood')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.on('close', () => state.floodClosed++);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
      return;
    }
    if (req.url?.endsWith('/slow')) {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(1024 * 1024, 'y'));
      }, 2500);
      return;
    }
    res.writeHead(404).end();
  });
  const listening = await listenLocally(server);
  return {
    url: listening.url,
    get floodClosed() {
      return state.floodClosed;
    },
    close: listening.close,
  };
}
