/** Small pieces the routing and fail-fast tests share: a refused port, an openai client at the gateway. */
import { createServer } from 'node:net';
import OpenAI from 'openai';

/** A port nothing listens on: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The official client at `baseUrl + path`, without client-side retries (the gateway's are under test). */
export function gatewayClient(baseUrl: string, path: string, requestId?: string): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl}${path}`, apiKey: 'client-key', maxRetries: 0, defaultHeaders: requestId ? { 'x-request-id': requestId } : undefined });
}
