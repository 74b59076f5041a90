/**
 * DNS rebinding: a web page whose host name is re-pointed at 127.0.0.1 talks to a gateway on
 * localhost as if it were its own origin, and spends the keys. A gateway listening on a loopback
 * address therefore serves only requests whose `Host` is a loopback name (or one listed in
 * `server.allowed-hosts`). The set is built once the port is known; a request costs one lookup.
 */
import { GatewayError } from '../core/gateway-error.js';

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export class HostCheck {
  private readonly names = new Set<string>();

  constructor(address: string, port: number, extra: readonly string[] = []) {
    const bare = ['localhost', '127.0.0.1', '[::1]', address.includes(':') ? `[${address}]` : address, ...extra.map((h) => h.toLowerCase())];
    for (const name of bare) this.names.add(name).add(`${name}:${port}`);
  }

  /** A request without `Host` (HTTP/1.0) comes from no browser and passes. */
  allows(host: string | undefined): boolean {
    return host === undefined || this.names.has(host) || this.names.has(host.toLowerCase());
  }
}

export function hostNotAllowed(host: string, address: string): GatewayError {
  return new GatewayError({
    status: 421,
    code: 'host_not_allowed',
    message: `The gateway listens on ${address} and serves only loopback host names; "${host.slice(0, 100)}" is not one (protection against DNS rebinding). Add it to server.allowed-hosts if it is yours.`,
  });
}
