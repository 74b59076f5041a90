/**
 * The gateway from `src`, in this process, on a free port: config text → parse → compile →
 * createHttpServer(createGateway(…)). Tests that need seeded routing or must not pass against a
 * stale `dist/` use this; what the CLI adds (process, signals, workers) is tested through dist.
 *
 *   const gw = await startInProcess({ config: yaml, env: { OPENAI_API_KEY: 'k' }, seed: 7 });
 *   new OpenAI({ baseURL: `${gw.url}/router/my-router`, apiKey: 'client' });
 *   gw.logs()     // what the gateway logged
 *   await gw.close()
 */
import type { AddressInfo } from 'node:net';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway, type CompiledGateway } from '../../src/config/compile.js';
import { seededRandom } from '../../src/core/balance/strategy.js';
import { createLogging } from '../../src/observability/logger.js';
import { createGateway } from '../../src/server/gateway.js';
import { createHttpServer } from '../../src/server/http-server.js';

export interface InProcessGateway {
  url: string;
  compiled: CompiledGateway;
  logs(): string;
  close(): Promise<void>;
}

export async function startInProcess(options: { config: string; env?: Record<string, string>; seed?: number }): Promise<InProcessGateway> {
  const env = options.env ?? {};
  const { config } = parseConfigText(options.config, 'test.yaml', env);
  const compiled = compileGateway(config, env, {
    embedded: false,
    source: 'test.yaml',
    random: options.seed === undefined ? undefined : seededRandom(options.seed),
  });
  let logs = '';
  const logging = createLogging('info', { write: (text: string) => (logs += text) });
  const gateway = createGateway(compiled, logging);
  const server = createHttpServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    compiled,
    logs: () => logs,
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
