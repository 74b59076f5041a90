/**
 * The gateway started in this process, from `src` (so a change cannot pass against a stale
 * dist/), with its log lines captured:
 *
 *   const gw = await startInProcess(yamlText, { OPENAI_API_KEY: 'k' });
 *   await fetch(`${gw.url}/router/r/chat/completions`, …);
 *   await gw.waitForLine((l) => l.event === 'fallback');   // log lines, parsed
 *   await gw.close();
 */
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { compileGateway } from '../../src/config/compile.js';
import { createLogging } from '../../src/observability/logger.js';
import { createGateway } from '../../src/server/gateway.js';
import { createHttpServer } from '../../src/server/http-server.js';

export type LogLine = Record<string, unknown>;

export interface InProcessGateway {
  url: string;
  /** Every log line written so far, parsed. */
  lines(): LogLine[];
  /** Resolves with the first line `match` accepts (lines are batched, so they come a little later). */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  close(): Promise<void>;
}

export async function startInProcess(yaml: string, env: Record<string, string>): Promise<InProcessGateway> {
  const config = configSchema.parse(parseYaml(yaml));
  const compiled = compileGateway(config, env, { embedded: false, source: 'test' });
  const text: string[] = [];
  const logging = createLogging('info', { write: (chunk: string) => text.push(chunk) });
  const gateway = createGateway(compiled, logging);
  const server = createHttpServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const lines = (): LogLine[] =>
    text
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as LogLine);
  return {
    url: `http://127.0.0.1:${port}`,
    lines,
    async waitForLine(match, timeoutMs = 3_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = lines().find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching log line; got:\n${text.join('')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          gateway.upstream.close();
          resolve();
        });
      }),
  };
}
