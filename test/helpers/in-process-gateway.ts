/**
 * The gateway built from `src` in this process (no dist/, so a change cannot pass against a
 * stale build): config text → compile → HTTP server on a free port.
 *
 *   const gw = await startInProcessGateway(yamlText, { OPENAI_API_KEY: '…' });
 *   fetch(`${gw.url}/router/x/chat/completions`, …);  await gw.close();
 */
import type { AddressInfo } from 'node:net';
import { parseConfigText } from '../../src/config/load.js';
import { compileGateway } from '../../src/config/compile.js';
import { createLogging } from '../../src/observability/logger.js';
import { createGateway } from '../../src/server/gateway.js';
import { createHttpServer } from '../../src/server/http-server.js';

export interface InProcessGateway {
  url: string;
  /** Everything the gateway logged. */
  logs(): string;
  close(): Promise<void>;
}

export async function startInProcessGateway(config: string, env: Record<string, string>): Promise<InProcessGateway> {
  const { config: parsed } = parseConfigText(config, 'test config', env);
  const compiled = compileGateway(parsed, env, { embedded: false, source: 'test config' });
  let logged = '';
  const gateway = createGateway(compiled, createLogging('info', { write: (text: string) => void (logged += text) }));
  const server = createHttpServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs: () => logged,
    close: () =>
      new Promise<void>((resolve) => {
        gateway.upstream.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
