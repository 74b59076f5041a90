/**
 * `server.cors`: which browser origins may call the gateway. Off by default — then no response
 * carries CORS headers, preflights are refused, and a browser page can read nothing.
 * The provider's own CORS headers are never relayed (proxy-headers.ts), so passthrough cannot
 * lend a provider's permissive policy to the gateway's keys.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';

const EXPOSED = [
  'x-request-id', 'x-ai-gateway-provider', 'x-ai-gateway-attempts', 'x-ai-gateway-provider-request-id',
  'helicone-provider', 'helicone-provider-req-id', 'retry-after',
].join(', ');
const METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;
  private readonly maxAge: string;

  constructor(config: { origins: string[]; 'max-age': number }) {
    this.anyOrigin = config.origins.includes('*');
    this.origins = new Set(config.origins.map((o) => o.replace(/\/$/, '').toLowerCase()));
    this.maxAge = String(Math.round(config['max-age'] / 1000));
  }

  allows(origin: string): boolean {
    return this.anyOrigin || this.origins.has(origin) || this.origins.has(origin.toLowerCase());
  }

  /** Headers for an allowed origin, set before any handler writes its own. */
  decorate(res: ServerResponse, origin: string): void {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED);
    res.setHeader('vary', 'origin');
  }

  /** Answers a preflight from an allowed origin: any method, the headers it asks for. */
  preflight(req: IncomingMessage, res: ServerResponse, origin: string): void {
    this.decorate(res, origin);
    const asked = req.headers['access-control-request-headers'];
    res.writeHead(204, {
      'access-control-allow-methods': METHODS,
      ...(asked ? { 'access-control-allow-headers': asked } : {}),
      'access-control-max-age': this.maxAge,
      'content-length': 0,
    });
    res.end();
  }
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

export function originNotAllowed(origin: string): GatewayError {
  return new GatewayError({
    status: 403,
    code: 'origin_not_allowed',
    message: `Requests from the web origin "${origin.slice(0, 200)}" are not allowed. List it in server.cors.origins to let browser apps call the gateway.`,
  });
}
