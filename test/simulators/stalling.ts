/**
 * Upstreams that stall, for timeout and pool tests.
 *
 *   const silent = await startSilentServer();   // accepts TCP connections, never sends a byte
 *   silent.url                                  // "http://127.0.0.1:PORT/" (https://… never finishes TLS)
 *   silent.connections                          // connections accepted so far
 *
 *   const held = await startHeldStreamServer(); // OpenAI-compatible chat: a stream sends its
 *   held.held                                   // first chunk, then waits for release();
 *   held.release()                              // non-streaming requests are answered at once
 */
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface SilentServer {
  url: string;
  port: number;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface HeldStreamServer {
  url: string;
  /** Streams started and not yet released. */
  readonly held: number;
  /** Requests received so far. */
  readonly requests: number;
  /** Resolves once `n` streams are being held. */
  waitForHeld(n: number): Promise<void>;
  /** Ends every held stream normally. */
  release(): void;
  close(): Promise<void>;
}

const chunk = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-held', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: finish ? {} : { content }, finish_reason: finish }] })}\n\n`;

export async function startHeldStreamServer(): Promise<HeldStreamServer> {
  const held = new Set<ServerResponse>();
  let requests = 0;
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests++;
      if (body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk('Hello'));
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      const text = JSON.stringify({
        id: 'chatcmpl-held',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Not held.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get held() {
      return held.size;
    },
    get requests() {
      return requests;
    },
    async waitForHeld(n) {
      const until = Date.now() + 5_000;
      while (held.size < n) {
        if (Date.now() > until) throw new Error(`only ${held.size} of ${n} streams held`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    release() {
      for (const res of held) res.end(chunk(' world') + chunk('', 'stop') + 'data: [DONE]\n\n');
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
