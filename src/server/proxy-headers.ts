/**
 * Header hygiene for the passthrough proxy: hop-by-hop headers stay on their hop (RFC 9110
 * §7.6.1) and no client credential ever reaches a provider — the gateway adds its own.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** Client headers that carry credentials for some provider. */
const CLIENT_CREDENTIALS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie']);

/** Also never forwarded: the gateway sets these itself. */
const GATEWAY_OWNED = new Set(['host', 'x-request-id', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

function connectionListed(headers: IncomingHttpHeaders): Set<string> | undefined {
  const value = headers.connection;
  if (!value) return undefined;
  return new Set(value.split(',').map((v) => v.trim().toLowerCase()));
}

export function upstreamHeaders(client: IncomingHttpHeaders): Record<string, string> {
  const listed = connectionListed(client);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || CLIENT_CREDENTIALS.has(name) || GATEWAY_OWNED.has(name) || listed?.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function downstreamHeaders(upstream: IncomingHttpHeaders, into: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(upstream);
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name) || name === 'x-request-id') continue;
    into[name] = value;
  }
  return into;
}
