/**
 * The gateway in this process, built from `src` (so a test cannot pass against a stale dist/):
 *
 *   const gw = await startInProcess({ config: yamlText, env: { OPENAI_API_KEY: 'k' }, seed: 7 });
 *   gw.url; gw.logs()   // every log line so far, as text
 *   await gw.waitForLine((l) => l.event === 'fallback');   // log lines, parsed (they are batched)
 *   await gw.close()
 *
 * It listens on 127.0.0.1 unless `host` says otherwise; `seed` makes routing's randomness
 * repeatable. What the CLI adds (process, signals, workers) is tested through dist.
 */
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { listenLocally } from './listen.js';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway, type CompiledGateway } from '../../src/config/compile.js';
import { seededRandom } from '../../src/core/balance/strategy.js';
import { createLogging } from '../../src/observability/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { createHttpServer, type GatewayServer } from '../../src/server/http-server.js';

export type LogLine = Record<string, unknown>;

export interface InProcessGateway {
  url: string;
  port: number;
  server: GatewayServer;
  compiled: CompiledGateway;
  /** The gateway's shared state: its event bus and policies, for tests that observe or extend the pipeline. */
  gateway: Gateway;
  logs(): string;
  /** Every log line written so far, parsed. */
  lines(): LogLine[];
  /** Resolves with the first line `match` accepts (lines are batched, so they come a little later). */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  close(): Promise<void>;
}

export async function startInProcess(options: { config?: string; env?: Record<string, string>; host?: string; seed?: number } = {}): Promise<InProcessGateway> {
  const env = { ...options.env };
  const { config } = parseConfigText(options.config ?? '{}', 'test config', env);
  const compiled = compileGateway(config, env, {
    embedded: false,
    source: 'test config',
    random: options.seed === undefined ? undefined : seededRandom(options.seed),
  });
  let lines = '';
  const logging = createLogging('info', { write: (chunk: string) => (lines += chunk) });
  const parsed = (): LogLine[] =>
    lines
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LogLine);
  const gateway = createGateway(compiled, logging);
  const server = createHttpServer(gateway);
  const listening = await listenLocally(server as Server, options.host);
  return {
    url: `http://127.0.0.1:${listening.port}`,
    port: listening.port,
    server,
    compiled,
    gateway,
    logs: () => lines,
    lines: parsed,
    async waitForLine(match, timeoutMs = 3_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = parsed().find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching log line; got:\n${lines}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      await listening.close();
      gateway.upstream.close();
    },
  };
}

export interface RawResult {
  /** Everything the server sent. */
  text: string;
  /** The server closed the connection (rather than the wait running out). */
  closed: boolean;
  status: number | undefined;
  /** The JSON body of the first response, when it has one. */
  json: { error?: { message: string; type: string; param: string | null; code: string | null } } | undefined;
}

/**
 * Writes raw bytes to the gateway (each string of `parts` one write, `gapMs` apart) and collects
 * what comes back until the server closes the connection or `waitMs` passes.
 */
export function rawRequest(port: number, parts: (string | Buffer)[], { gapMs = 0, waitMs = 3000 } = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const bodyAt = text.indexOf('\r\n\r\n');
      let json: RawResult['json'];
      try {
        json = bodyAt === -1 ? undefined : (JSON.parse(text.slice(bodyAt + 4)) as RawResult['json']);
      } catch {
        json = undefined;
      }
      resolve({ text, closed, status: status ? Number(status) : undefined, json });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    let i = 0;
    const next = (): void => {
      if (done || i >= parts.length) return;
      socket.write(parts[i++]);
      if (gapMs > 0) setTimeout(next, gapMs);
      else next();
    };
    socket.once('connect', next);
  });
}

export interface OpenConnection {
  socket: Socket;
  /** What the server has sent so far. */
  answer(): string;
  closed(): boolean;
}

/** A raw connection to write to at will (uploads held open, endless bodies). */
export function openConnection(port: number): OpenConnection {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  return { socket, answer: () => text, closed: () => closed };
}
